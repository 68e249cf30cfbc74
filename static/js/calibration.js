// Calibration page: one horizontal bar chart per group (Plotly, served by the platform); the tables beside the
// charts carry the same figures for screen readers and for withheld groups.
(function () {
  "use strict";
  const source = document.getElementById("calibration-data");
  if (!source || !window.Plotly) return;
  const charts = JSON.parse(source.textContent);
  const font = {family: getComputedStyle(document.body).fontFamily};
  // Long names (industries, institutions) wrap onto lines of about 22 characters, Chinese ones every 12.
  const wrap = function (text) {
    if (text.length <= 22) return text;
    const words = text.split(" ");
    if (words.length === 1) return text.match(/.{1,12}/g).join("<br>");
    const lines = [""];
    words.forEach(function (word) {
      const joined = (lines[lines.length - 1] + " " + word).trim();
      if (joined.length > 22 && lines[lines.length - 1]) lines.push(word);
      else lines[lines.length - 1] = joined;
    });
    return lines.slice(0, 3).join("<br>") + (lines.length > 3 ? "…" : "");
  };
  Object.keys(charts).forEach(function (id) {
    const target = document.getElementById(id);
    const chart = charts[id];
    if (!target || !chart.labels.length) {
      if (target) target.hidden = true;
      return;
    }
    const errors = chart.errors || chart.values.map(function () { return 0; });
    // A symmetric axis, so that "above the consensus" and "below" read the same way in every chart.
    const reach = Math.max(0.1, Math.max.apply(null, chart.values.map(function (value, i) {
      return Math.abs(value) + errors[i];
    }))) * 1.1;
    const trace = {
      type: "bar", orientation: "h", y: chart.labels.map(wrap), x: chart.values,
      customdata: chart.labels,
      marker: {color: chart.values.map(function (value) { return value > 0 ? "#b3261e" : "#1d5fa8"; })},
      hovertemplate: "%{customdata}: %{x:.2f}<extra></extra>",
    };
    if (chart.errors) trace.error_x = {type: "data", array: chart.errors, visible: true, color: "#555"};
    window.Plotly.newPlot(target, [trace], {
      xaxis: {title: {text: chart.axis}, range: [-reach, reach], zeroline: true, zerolinewidth: 2},
      yaxis: {automargin: true, autorange: "reversed"},
      margin: {l: 10, r: 20, t: 20, b: 50}, height: Math.max(260, 60 + 40 * chart.labels.length),
      font: font, showlegend: false,
    }, {displayModeBar: false, responsive: true});
  });
})();
