// The dashboard and the public map: filters, URL state, KPI cards, the map, the charts and the table.
// The first state comes embedded in the page (json_script "dashboard-config"); every later one from the API under
// /api/v1/indices/. The public map asks without the session cookie, so it gets what the public may see.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-config");
  if (!source || !window.Plotly || !window.QualityMap) { return; }
  var config = JSON.parse(source.textContent);
  var L = config.labels;
  var COUNTRY = "000000";
  var locale = config.language === "zh" ? "zh-CN" : "en";
  var font = getComputedStyle(document.body).fontFamily;
  var state = Object.assign({}, config.state);
  var data = config.first;
  var request = 0;
  var fetchOptions = {credentials: config.public ? "omit" : "same-origin", headers: {Accept: "application/json"}};
  function el(id) { return document.getElementById(id); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) { return key in values ? values[key] : match; });
  }
  function format(value, digits) {
    if (value === null || value === undefined) { return "—"; }
    return Number(value).toLocaleString(locale, {minimumFractionDigits: digits, maximumFractionDigits: digits});
  }
  function signed(value, digits) {
    if (value === null || value === undefined) { return ""; }
    return (value >= 0 ? "+" : "\u2212") + format(Math.abs(value), digits);
  }
  function percent(value) { return value === null || value === undefined ? "—" : format(100 * value, 1) + " %"; }
  function levelMix(levels) {
    if (!levels) { return "—"; }
    var parts = Object.keys(levels).sort().filter(function (k) { return levels[k]; }).map(function (k) { return "L" + k + " " + levels[k]; });
    return parts.length ? parts.join(" · ") : "—";
  }
  function nameOf(names, fallback) { return names ? (names[config.language] || names.en) : fallback; }
  function regionName(code) {
    return code === COUNTRY ? L.country : (config.region_names[code] || code);
  }
  function text(node, value) { if (node) { node.textContent = value; } }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function make(tag, attributes, content) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (content !== undefined) { node.textContent = content; }
    return node;
  }

  // --- State in the URL ----------------------------------------------------------------------------------------
  function query() {
    var params = new URLSearchParams();
    if (state.year) { params.set("year", state.year); }
    params.set("region", state.region);
    if (state.industry) { params.set("industry", state.industry); }
    if (state.size) { params.set("size", state.size); }
    return params.toString();
  }
  function syncUrl() {
    window.history.replaceState(null, "", window.location.pathname + "?" + query());
    if (config.downloads) {
      el("download-csv").href = config.downloads.csv + "?" + query();
      el("download-xlsx").href = config.downloads.xlsx + "?" + query();
    }
  }
  function syncControls() {
    el("f-year").value = state.year;
    text(el("f-year-value"), state.year);
    el("f-region").value = state.region;
    el("f-industry").value = state.industry;
    el("f-size").value = state.size;
    el("map-back").hidden = state.region === COUNTRY;
  }

  // --- Loading -------------------------------------------------------------------------------------------------
  function get(url) {
    return fetch(url + "?" + query(), fetchOptions).then(function (response) {
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    });
  }
  function load(withTrend) {
    var mine = ++request;
    text(el("map-status"), L.loading);
    var parts = [get(config.api.cells), get(config.api.industries), get(config.api.kpis)];
    if (withTrend) { parts.push(get(config.api.trend)); }
    return Promise.all(parts).then(function (results) {
      if (mine !== request) { return; }
      data = {map: results[0], industries: results[1], kpis: results[2], trend: withTrend ? results[3] : data.trend};
      text(el("map-status"), "");
      render();
    }).catch(function () {
      if (mine === request) { text(el("map-status"), L.load_failed); }
    });
  }
  function change(values, withTrend) {
    Object.assign(state, values);
    syncControls();
    syncUrl();
    load(withTrend);
  }

  // --- KPI cards -----------------------------------------------------------------------------------------------
  function renderKpis() {
    var box = el("kpis");
    if (!box) { return; }
    var cell = data.kpis.cell;
    var hidden = !cell || cell.suppressed;
    function kpi(name, value) { text(box.querySelector("[data-kpi='" + name + "']"), value); }
    kpi("index", hidden ? "—" : format(cell.index, 1));
    kpi("index_change", !hidden && cell.index_change !== null ? "(" + signed(cell.index_change, 1) + " " + L.change_short + ")" : "");
    kpi("n", hidden ? "—" : format(cell.n, 0));
    kpi("coverage", hidden ? "—" : percent(cell.coverage));
    kpi("self_index", hidden ? "—" : format(cell.self_index, 1));
    var levels = box.querySelector("[data-kpi='levels']");
    clear(levels);
    if (hidden) {
      levels.appendChild(make("li", {}, cell ? L.suppressed : L.no_data));
    } else {
      Object.keys(cell.levels).sort().forEach(function (level) {
        var item = make("li");
        item.appendChild(make("span", {}, level + " · " + (config.levels[level] || level)));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(make("strong", {}, format(cell.levels[level], 0)));
        var fresh = (cell.new_levels || {})[level];
        if (fresh) { item.appendChild(make("small", {}, " (" + fill(L.new_short, {count: format(fresh, 0)}) + ")")); }
        levels.appendChild(item);
      });
    }
    var targets = box.querySelector("[data-kpi='targets']");
    clear(targets);
    if (!data.kpis.targets.length) {
      targets.appendChild(make("li", {"class": "meta"}, L.targets_national));
    }
    data.kpis.targets.forEach(function (target) {
      var item = make("li");
      item.appendChild(make("span", {}, fill(L.target_line, {level: target.level, year: target.year, goal: format(target.goal, 0)})));
      var bar = make("progress", {max: target.goal, value: Math.min(target.reached, target.goal)});
      item.appendChild(bar);
      item.appendChild(make("small", {}, fill(L.target_reached, {reached: format(target.reached, 0), "new": format(target["new"], 0)})));
      targets.appendChild(item);
    });
  }

  // --- Charts --------------------------------------------------------------------------------------------------
  var plotConfig = function (name) {
    return {
      displaylogo: false, responsive: true, modeBarButtons: [["toImage"]],
      toImageButtonOptions: {format: "png", filename: name + "-" + state.year + "-" + (state.region === COUNTRY ? "china" : state.region), scale: 2},
    };
  };
  function baseLayout(extra) {
    return Object.assign({font: {family: font}, margin: {l: 10, r: 20, t: 20, b: 50}, showlegend: false}, extra);
  }
  function wrap(label) {
    if (label.length <= 18) { return label; }
    if (label.indexOf(" ") < 0) { return label.slice(0, 16) + "…"; }
    var lines = [""];
    label.split(" ").forEach(function (word) {
      var joined = (lines[lines.length - 1] + " " + word).trim();
      if (joined.length > 24 && lines[lines.length - 1]) { lines.push(word); } else { lines[lines.length - 1] = joined; }
    });
    return lines.slice(0, 2).join("<br>") + (lines.length > 2 ? "…" : "");
  }
  function show(id, visible) { var node = el(id); if (node) { node.hidden = !visible; } return node; }

  function renderTrend() {
    var node = el("chart-trend");
    if (!node) { return; }
    var traces = [];
    function line(rows, field, name, color, dash) {
      return {
        type: "scatter", mode: "lines+markers", name: name,
        x: rows.map(function (r) { return r.year; }),
        y: rows.map(function (r) { return r.suppressed ? null : r[field]; }),
        line: {color: color, dash: dash || "solid", width: 2}, connectgaps: false,
        hovertemplate: name + " %{x}: %{y:.1f}<extra></extra>",
      };
    }
    var own = regionName(state.region);
    if (state.region !== COUNTRY) {
      traces.push(line(data.trend.region, "index", fill(L.region_index, {region: own}), "#b3261e"));
      traces.push(line(data.trend.region, "self_index", fill(L.region_self_index, {region: own}), "#b3261e", "dot"));
    }
    traces.push(line(data.trend.country, "index", fill(L.region_index, {region: L.country}), "#1d5fa8"));
    traces.push(line(data.trend.country, "self_index", fill(L.region_self_index, {region: L.country}), "#1d5fa8", "dot"));
    window.Plotly.react(node, traces, baseLayout({
      height: 360, showlegend: true, legend: {orientation: "h", y: -0.2},
      xaxis: {title: {text: L.year}, dtick: 1, tickformat: "d"}, yaxis: {title: {text: L.index}, rangemode: "tozero"},
      margin: {l: 60, r: 20, t: 20, b: 40},
    }), plotConfig("trend")).then(function () { window.QualityMap.hideGraphics(node); });
  }

  function bars(id, rows, value, label, axis, colors) {
    var node = show(id, rows.length > 0);
    if (!node || !rows.length) { return; }
    window.Plotly.react(node, [{
      type: "bar", orientation: "h", y: rows.map(function (r) { return wrap(label(r)); }), x: rows.map(value),
      customdata: rows.map(label), marker: {color: colors ? rows.map(value).map(colors) : "#b3261e"},
      hovertemplate: "%{customdata}: %{x:.1f}<extra></extra>",
    }], baseLayout({
      height: Math.max(260, 60 + 26 * rows.length), xaxis: {title: {text: axis}, zeroline: true},
      yaxis: {automargin: true, autorange: "reversed"},
    }), plotConfig(id.replace("chart-", ""))).then(function () { window.QualityMap.hideGraphics(node); });
  }

  function renderIndustries() {
    var shown = data.industries.filter(function (r) { return !r.suppressed && r.index !== null; });
    shown.sort(function (a, b) { return b.index - a.index; });
    bars("chart-industries", shown, function (r) { return r.index; }, function (r) { return nameOf(r.industry_name, r.industry_code); }, L.index);
    var withheld = data.industries.length - shown.length;
    text(el("industries-note"), !data.industries.length ? L.no_figures : (withheld ? fill(L.industries_withheld, {count: withheld}) : ""));
  }

  function mapRows() {
    return data.map.cells.filter(function (r) { return !r.suppressed && r.n; });
  }

  function renderLevels() {
    var node = el("chart-levels");
    if (!node) { return; }
    var rows = mapRows().sort(function (a, b) { return (b.index || 0) - (a.index || 0); });
    show("chart-levels", rows.length > 0);
    var withheld = data.map.cells.filter(function (r) { return r.suppressed; }).length;
    text(el("levels-note"), !rows.length ? L.no_figures : (withheld ? fill(L.regions_withheld, {count: withheld}) : ""));
    if (!rows.length) { return; }
    var palette = ["#d0d4da", "#fcd9c4", "#f7a072", "#e0603a", "#b3261e", "#6e0f12"];
    var labels = rows.map(function (r) { return nameOf(r.region_name, r.region_code); });
    var traces = Object.keys(config.levels).sort().map(function (level, i) {
      return {
        type: "bar", orientation: "h", name: level + " " + config.levels[level], y: labels, marker: {color: palette[i]},
        x: rows.map(function (r) { return r.n ? 100 * (r.levels[level] || 0) / r.n : 0; }),
        customdata: rows.map(function (r) { return r.levels[level] || 0; }),
        hovertemplate: "%{y} · " + config.levels[level] + ": %{customdata} (%{x:.0f} %)<extra></extra>",
      };
    });
    window.Plotly.react(node, traces, baseLayout({
      barmode: "stack", showlegend: true, legend: {orientation: "h", y: -0.12, traceorder: "normal"},
      height: Math.max(300, 110 + 24 * rows.length), xaxis: {title: {text: "%"}, range: [0, 100]},
      yaxis: {automargin: true, autorange: "reversed"},
    }), plotConfig("level-mix")).then(function () { window.QualityMap.hideGraphics(node); });
  }

  function renderGap() {
    var rows = mapRows().filter(function (r) { return r.calibration_gap !== null; });
    rows.sort(function (a, b) { return b.calibration_gap - a.calibration_gap; });
    bars("chart-gap", rows, function (r) { return r.calibration_gap; }, function (r) { return nameOf(r.region_name, r.region_code); },
      L.calibration_gap, function (v) { return v > 0 ? "#b3261e" : "#1d5fa8"; });
  }

  // --- Table ---------------------------------------------------------------------------------------------------
  function tableRow(row, total) {
    var tr = make("tr", {"data-region": row.region_code});
    if (total) { tr.className = "total"; }
    var th = make("th", {scope: "row"});
    var label = nameOf(row.region_name, row.region_code);
    th.appendChild(total ? make("strong", {}, label) : document.createTextNode(label));
    tr.appendChild(th);
    if (row.suppressed) {
      var td = make("td", {"class": "num", colspan: "7", title: L.suppressed}, "— ");
      td.appendChild(make("small", {}, L.suppressed_short));
      tr.appendChild(td);
      return tr;
    }
    [format(row.index, 1), signed(row.index_change, 1), format(row.n, 0), percent(row.coverage),
      format(row.self_index, 1), signed(row.calibration_gap, 1)].forEach(function (value) {
      tr.appendChild(make("td", {"class": "num"}, value));
    });
    tr.appendChild(make("td", {}, levelMix(row.levels)));
    return tr;
  }
  function renderTable() {
    var body = document.querySelector("#cells-table tbody");
    if (!body) { return; }
    clear(body);
    if (data.map.total) { body.appendChild(tableRow(data.map.total, true)); }
    data.map.cells.forEach(function (row) { body.appendChild(tableRow(row, false)); });
  }

  // --- The map -------------------------------------------------------------------------------------------------
  var map = new window.QualityMap(el("quality-map"), {
    geo: config.geo, topojson: config.topojson, labels: L, font: font,
    format: format, signed: signed, percent: percent, levelMix: levelMix, regionName: regionName,
    title: function (view) {
      return fill(L.map_title, {year: view.year}) + (view.region === COUNTRY ? "" : " · " + regionName(view.region));
    },
    fileName: function (view) { return "quality-map-" + view.year + "-" + (view.region === COUNTRY ? "china" : view.region); },
    onSelect: function (code) { change({region: code}, true); },
  });
  map.watchResize();

  function render() {
    map.draw({region: data.map.region, cells: data.map.cells, highlight: config.home.highlight, year: data.map.year})
      .catch(function () { text(el("map-status"), L.load_failed); });
    renderKpis();
    renderTrend();
    renderIndustries();
    renderLevels();
    renderGap();
    renderTable();
  }

  // --- Controls ------------------------------------------------------------------------------------------------
  var slider = el("f-year");
  var timer = null;
  slider.addEventListener("input", function () {
    text(el("f-year-value"), slider.value);
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { change({year: Number(slider.value)}, false); }, 200);
  });
  el("f-region").addEventListener("change", function (event) { change({region: event.target.value}, true); });
  el("f-industry").addEventListener("change", function (event) { change({industry: event.target.value}, true); });
  el("f-size").addEventListener("change", function (event) { change({size: event.target.value}, true); });
  el("map-back").addEventListener("click", function () { change({region: COUNTRY}, true); });
  el("map-filters").addEventListener("submit", function (event) { event.preventDefault(); });

  syncControls();
  syncUrl();
  render();
})();
