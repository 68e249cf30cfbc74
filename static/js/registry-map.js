// A registry on the map (labs, pilot platforms, scenarios, cases): provinces coloured by how many entries they
// hold, a marker on each city with entries. Click a province to see its cities; click a marker to list that
// city's entries under the map. Drawn by QualityMap (static/js/quality-map.js) from our own boundary files; the
// data come embedded in the page (json_script "registry-map-data", built by indices.registry_map).
(function () {
  "use strict";
  var source = document.getElementById("registry-map-data");
  if (!source || !window.Plotly || !window.QualityMap) { return; }
  var config = JSON.parse(source.textContent);
  var L = config.labels, payload = config.payload;
  var COUNTRY = "000000";
  function el(id) { return document.getElementById(id); }
  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) { return key in values ? values[key] : match; });
  }
  function regionName(code) { return code === COUNTRY ? L.country : (config.region_names[code] || code); }
  function count(n) { return fill(n === 1 ? L.one_entry : L.entries, {n: n}); }

  function cellsOf(region) {
    var counts = region === COUNTRY ? payload.provinces : payload.cities;
    return Object.keys(counts)
      .filter(function (code) { return region === COUNTRY || code.slice(0, 2) === region.slice(0, 2); })
      .map(function (code) { return {region_code: code, count: counts[code]}; });
  }
  function markersOf(region) {
    return payload.markers.filter(function (m) { return region === COUNTRY || m.province === region; });
  }

  function listEntries(code) {
    var marker = payload.markers.filter(function (m) { return m.region === code; })[0];
    var box = el("map-entries");
    if (!marker || !box) { return; }
    box.textContent = "";
    var heading = document.createElement("h3");
    heading.textContent = marker.name + " · " + count(marker.entries.length);
    var list = document.createElement("ul");
    marker.entries.forEach(function (entry) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = entry.url;
      link.textContent = entry.label;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
    box.focus();
  }

  var map = new window.QualityMap(el("quality-map"), {
    geo: config.geo, topojson: config.topojson, font: getComputedStyle(document.body).fontFamily,
    labels: {scale: L.scale},
    value: function (cell) { return cell.count; },
    hover: function (code, cell) {
      return "<b>" + escape(regionName(code)) + "</b><br>" + escape(cell ? count(cell.count) : L.none);
    },
    markerText: function (marker) {
      var names = marker.entries.slice(0, 5).map(function (entry) { return escape(entry.label); });
      if (marker.entries.length > 5) { names.push("…"); }
      return "<b>" + escape(marker.name) + "</b><br>" + names.join("<br>");
    },
    regionName: regionName,
    title: function (view) { return L.title + (view.region === COUNTRY ? "" : " · " + regionName(view.region)); },
    fileName: function (view) { return config.file_name + "-" + (view.region === COUNTRY ? "china" : view.region); },
    onSelect: function (code) { show(code); },
    onMarker: listEntries,
  });
  map.watchResize();

  function show(region) {
    el("map-back").hidden = region === COUNTRY;
    el("map-status").textContent = "";
    map.draw({region: region, cells: cellsOf(region), markers: markersOf(region), highlight: []})
      .catch(function () { el("map-status").textContent = L.load_failed; });
  }
  el("map-back").addEventListener("click", function () { show(COUNTRY); });
  show(COUNTRY);
})();
