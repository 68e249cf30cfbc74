// Result page: the dimension radar (Plotly, served by the platform) and the print button.
(function () {
  "use strict";
  const data = JSON.parse(JSON.parse(document.getElementById("radar-data").textContent));
  const target = document.getElementById("radar");
  if (target && window.Plotly) {
    // Wrap long dimension names so that the labels stay inside the chart.
    const wrap = function (text) {
      if (text.length <= 16) return text;
      const words = text.split(" ");
      if (words.length === 1) return text.match(/.{1,10}/g).join("<br>");
      const lines = [""];
      words.forEach(function (word) {
        if ((lines[lines.length - 1] + " " + word).trim().length > 18) lines.push(word);
        else lines[lines.length - 1] = (lines[lines.length - 1] + " " + word).trim();
      });
      return lines.join("<br>");
    };
    const wrapped = data.labels.map(wrap);
    const labels = wrapped.concat([wrapped[0]]);
    const values = data.values.concat([data.values[0]]);
    window.Plotly.newPlot(target, [{
      type: "scatterpolar", r: values, theta: labels, fill: "toself", name: data.name,
      line: {color: "#b3261e"}, fillcolor: "rgba(179, 38, 30, 0.2)",
    }], {
      polar: {radialaxis: {range: [0, 5], dtick: 1}},
      margin: {l: 90, r: 90, t: 50, b: 50}, showlegend: false, height: 380,
      font: {family: getComputedStyle(document.body).fontFamily},
    }, {displayModeBar: false, responsive: true, staticPlot: false});
  }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
