// The quality digital map: a Plotly choropleth of China's provinces (or one province's prefecture-level cities),
// drawn offline from our own boundary files. Albers projection (parallels 25 and 47, centred on 105 E), the
// mainland framed as on official maps, and the South China Sea with the maritime boundary line in an inset at
// the lower right. Regions with figures are coloured by the index; withheld ones (fewer than 5 enterprises) and
// empty ones are grey. Used by static/js/dashboard.js on the dashboard and on the public map.
(function () {
  "use strict";

  var COUNTRY = "000000";
  var SCALE = [[0, "#fde9d9"], [0.35, "#f5a76c"], [0.7, "#d2452b"], [1, "#7f0d13"]];
  var GREY_WITHHELD = "#b9bec6";
  var GREY_EMPTY = "#eceef1";
  // The South China Sea inset sits in the empty sea at the lower right of the mainland's frame.
  var INSET = {x: [0.79, 1], y: [0, 0.36]};
  var MAX_WIDTH = 980;
  var MAINLAND = {lon: [73, 136], lat: [18, 54]};
  var HAINAN = "460000";  // its map reaches across the South China Sea: framed on the island, the sea inset
  var HAINAN_FRAME = [108.3, 17.9, 113.6, 20.3];  // west, south, east, north: the island, room for the inset
  var cache = {};

  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, {credentials: "same-origin", headers: {Accept: "application/geo+json"}}).then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status + " for " + url); }
        return response.json();
      });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }

  function flat(color) { return [[0, color], [1, color]]; }

  // [west, south, east, north] of a FeatureCollection.
  function bounds(geojson) {
    var box = [180, 90, -180, -90];
    function walk(node) {
      if (typeof node[0] === "number") {
        box = [Math.min(box[0], node[0]), Math.min(box[1], node[1]), Math.max(box[2], node[0]), Math.max(box[3], node[1])];
      } else { node.forEach(walk); }
    }
    geojson.features.forEach(function (feature) { walk(feature.geometry.coordinates); });
    return box;
  }

  // The maritime boundary (a MultiLineString) as one Plotly line trace, the parts separated by nulls. On the
  // mainland map only what lies north of ``south`` is drawn (cut where a dash crosses it); the inset shows it all.
  function maritimeTrace(geojson, geo, south) {
    var lon = [], lat = [];
    var limit = south === undefined ? -90 : south;
    function cut(a, b) {  // where the segment a-b crosses the parallel ``limit``
      var t = (limit - a[1]) / (b[1] - a[1]);
      return [a[0] + t * (b[0] - a[0]), limit];
    }
    geojson.features.forEach(function (feature) {
      var geometry = feature.geometry;
      var lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
      lines.forEach(function (line) {
        line.forEach(function (point, i) {
          var previous = line[i - 1];
          var inside = point[1] >= limit;
          if (previous && (previous[1] >= limit) !== inside) {
            var crossing = cut(previous, point);
            lon.push(crossing[0]); lat.push(crossing[1]);
            if (!inside) { lon.push(null); lat.push(null); }
          }
          if (inside) { lon.push(point[0]); lat.push(point[1]); }
        });
        lon.push(null); lat.push(null);
      });
    });
    return {
      type: "scattergeo", mode: "lines", lon: lon, lat: lat, geo: geo, hoverinfo: "skip", showlegend: false,
      line: {color: "#2f6db3", width: 1.6},
    };
  }

  function QualityMap(element, options) {
    this.element = element;
    this.options = options;
    this.bound = false;
    this.view = null;
  }

  // Draws ``view``: {region, cells, highlight, year}. Returns a promise resolved once the map is drawn.
  QualityMap.prototype.draw = function (view) {
    var self = this;
    var geo = this.options.geo;
    var country = view.region === COUNTRY;
    var loads = [getJSON(country ? geo.geo_provinces : geo.geo_province_cities.replace("{code}", view.region))];
    if (country || view.region === HAINAN) { loads.push(getJSON(geo.geo_maritime)); }
    return Promise.all(loads).then(function (maps) {
      self.view = view;
      return self.plot(view, maps[0], maps[1]);
    });
  };

  QualityMap.prototype.hover = function (code, cell) {
    var o = this.options, L = o.labels;
    if (o.hover) { return o.hover(code, cell); }
    var title = "<b>" + o.regionName(code) + "</b>";
    if (!cell || (!cell.suppressed && !cell.n)) { return title + "<br>" + L.no_data; }
    if (cell.suppressed) { return title + "<br>" + L.suppressed; }
    var lines = [title, L.index + ": " + o.format(cell.index, 1)];
    if (cell.index_change !== null) { lines[1] += " (" + o.signed(cell.index_change, 1) + ")"; }
    lines.push(L.n + ": " + o.format(cell.n, 0));
    lines.push(L.coverage + ": " + o.percent(cell.coverage));
    lines.push(L.level_mix + ": " + o.levelMix(cell.levels));
    if (cell.self_index !== null) { lines.push(L.self_index + ": " + o.format(cell.self_index, 1)); }
    return lines.join("<br>");
  };

  // Three choropleth layers per geo subplot: empty regions, withheld regions, regions with an index.
  QualityMap.prototype.layers = function (geojson, cells, highlight, geo, showScale) {
    var self = this;
    var valueOf = this.options.value || function (cell) { return cell.index; };
    var byCode = {};
    cells.forEach(function (cell) { byCode[cell.region_code] = cell; });
    var groups = {empty: [], withheld: [], data: []};
    geojson.features.forEach(function (feature) {
      var cell = byCode[feature.id];
      if (cell && cell.suppressed) { groups.withheld.push(feature.id); }
      else if (cell && valueOf(cell) !== null && valueOf(cell) !== undefined) { groups.data.push(feature.id); }
      else { groups.empty.push(feature.id); }
    });
    function layer(codes, z, colorscale, extra) {
      var trace = {
        type: "choropleth", geojson: geojson, featureidkey: "id", locationmode: "geojson-id", geo: geo,
        locations: codes, z: z, colorscale: colorscale, showscale: false,
        text: codes.map(function (code) { return self.hover(code, byCode[code]); }),
        hovertemplate: "%{text}<extra></extra>",
        marker: {
          line: {
            color: codes.map(function (code) { return highlight.indexOf(code) >= 0 ? "#111111" : "#ffffff"; }),
            width: codes.map(function (code) { return highlight.indexOf(code) >= 0 ? 2.5 : 0.6; }),
          },
        },
      };
      return Object.assign(trace, extra || {});
    }
    var traces = [
      layer(groups.empty, groups.empty.map(function () { return 0; }), flat(GREY_EMPTY)),
      layer(groups.withheld, groups.withheld.map(function () { return 0; }), flat(GREY_WITHHELD)),
    ];
    if (groups.data.length) {
      var values = groups.data.map(function (code) { return valueOf(byCode[code]); });
      var low = Math.min.apply(null, values), high = Math.max.apply(null, values);
      if (this.options.value) { low = 0; }  // counts start at nothing
      if (high - low < 1) { low -= this.options.value ? 0 : 1; high += 1; }
      traces.push(layer(groups.data, values, SCALE, {
        zmin: low, zmax: high, showscale: showScale,
        colorbar: {
          title: {text: this.options.labels.scale || this.options.labels.index, side: "top"}, orientation: "h", thickness: 10, len: 0.28,
          x: 0.02, xanchor: "left", y: 0.03, yanchor: "bottom",
        },
      }));
    }
    return traces;
  };

  QualityMap.prototype.plot = function (view, geojson, maritime) {
    var o = this.options;
    var country = view.region === COUNTRY;
    var highlight = view.highlight || [];
    var traces = this.layers(geojson, view.cells, highlight, "geo", true);
    var projection = {type: "albers", parallels: [25, 47], rotation: {lon: 105}};
    var base = {
      visible: false, projection: projection, bgcolor: "rgba(0,0,0,0)",
      showland: false, showocean: false, showlakes: false, showrivers: false, showcountries: false,
      showcoastlines: false, showsubunits: false, showframe: false,
    };
    // The mainland's frame (73-136 E, 18-54 N) in this projection is about 1.55 times as wide as it is high.
    var width = Math.min(this.element.clientWidth || MAX_WIDTH, MAX_WIDTH);
    this.width = width;
    var layout = {
      margin: {l: 0, r: 0, t: 30, b: 0}, width: width, height: Math.round(width * (country ? 0.645 : 0.6)) + 30,
      dragmode: false,
      paper_bgcolor: "#ffffff", font: {family: o.font}, showlegend: false,
      hoverlabel: {bgcolor: "#ffffff", bordercolor: "#333333", font: {color: "#1f2328", size: 13, family: o.font}, align: "left"},
      title: {text: o.title(view), x: 0.01, y: 0.985, font: {size: 15}},
    };
    if (country) {
      layout.geo = Object.assign({}, base, {
        domain: {x: [0, 1], y: [0, 1]}, lonaxis: {range: MAINLAND.lon}, lataxis: {range: MAINLAND.lat},
      });
      traces = traces.concat(this.inset(layout, base, geojson, view.cells, highlight, maritime));
      if (maritime) { traces.push(maritimeTrace(maritime, "geo", MAINLAND.lat[0])); }
    } else {
      // A province framed by its own bounds, the projection centred on its meridian (Plotly's fitbounds does not
      // work with conic projections). Hainan is framed on its island, its islands of the South China Sea inset.
      var hainan = view.region === HAINAN;
      var box = hainan ? HAINAN_FRAME : bounds(geojson);
      var padLon = hainan ? 0 : 0.04 * (box[2] - box[0]) + 0.05, padLat = hainan ? 0 : 0.04 * (box[3] - box[1]) + 0.05;
      layout.geo = Object.assign({}, base, {
        domain: {x: [0, 1], y: [0, 1]},
        projection: {type: "albers", parallels: [25, 47], rotation: {lon: (box[0] + box[2]) / 2}},
        lonaxis: {range: [box[0] - padLon, box[2] + padLon]}, lataxis: {range: [box[1] - padLat, box[3] + padLat]},
      });
      if (hainan) { traces = traces.concat(this.inset(layout, base, geojson, view.cells, highlight, maritime)); }
    }
    if (view.markers && view.markers.length) {
      traces.push(this.markerTrace(view.markers, "geo"));
      var south = view.markers.filter(function (m) { return m.lat < MAINLAND.lat[0]; });  // the islands
      if (layout.geo2 && south.length) { traces.push(this.markerTrace(south, "geo2")); }
    }
    var config = {
      responsive: false, displaylogo: false, scrollZoom: false, topojsonURL: o.topojson,
      modeBarButtons: [["toImage"]],
      toImageButtonOptions: {format: "png", filename: o.fileName(view), scale: 2},
    };
    var self = this;
    return window.Plotly.react(this.element, traces, layout, config).then(function () {
      QualityMap.hideGraphics(self.element);
      if (!self.bound) {
        self.bound = true;
        self.element.on("plotly_click", function (event) {
          var point = event && event.points && event.points[0];
          if (point && point.customdata && o.onMarker) { o.onMarker(point.customdata); return; }
          if (point && point.location && self.view && self.view.region === COUNTRY && o.onSelect) {
            o.onSelect(point.location);
          }
        });
      }
    });
  };

  // Places on the map (a registry's entries): one marker a city, sized by its entries, its hover listing them;
  // a click hands the marker to ``options.onMarker``.
  QualityMap.prototype.markerTrace = function (markers, geo) {
    var o = this.options;
    return {
      type: "scattergeo", mode: "markers", geo: geo, showlegend: false,
      lon: markers.map(function (m) { return m.lon; }), lat: markers.map(function (m) { return m.lat; }),
      customdata: markers.map(function (m) { return m.region; }),
      text: markers.map(function (m) { return o.markerText ? o.markerText(m) : m.name; }),
      hovertemplate: "%{text}<extra></extra>",
      marker: {
        size: markers.map(function (m) { return Math.min(8 + 3 * m.entries.length, 22); }),
        color: "#1f5fa8", opacity: 0.9, line: {color: "#ffffff", width: 1.5},
      },
    };
  };

  // The South China Sea inset: the same regions and the maritime boundary line, framed, at the lower right.
  // Centred on its own meridian (114.5 E): fitted around 105 E, Plotly cuts off its eastern part.
  QualityMap.prototype.inset = function (layout, base, geojson, cells, highlight, maritime) {
    layout.geo2 = Object.assign({}, base, {
      visible: true, domain: INSET, lonaxis: {range: [106, 123]}, lataxis: {range: [3, 24]},
      projection: {type: "albers", parallels: [25, 47], rotation: {lon: 114.5}},
      showframe: true, framecolor: "#4b5563", framewidth: 1, bgcolor: "#ffffff",
    });
    var traces = this.layers(geojson, cells, highlight, "geo2", false);
    if (maritime) { traces.push(maritimeTrace(maritime, "geo2")); }
    return traces;
  };

  // Redraws at the new width when the page is resized (the map keeps its proportions).
  QualityMap.prototype.watchResize = function () {
    var self = this, timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var width = Math.min(self.element.clientWidth || MAX_WIDTH, MAX_WIDTH);
        if (self.view && width !== self.width) { self.draw(self.view); }
      }, 250);
    });
  };

  // A Plotly chart's drawing is hidden from assistive technology (the page has the same figures in a table),
  // while its mode bar (the PNG download) stays reachable by keyboard and announced by its label. Called after
  // every draw: Plotly may replace its SVG layers.
  QualityMap.hideGraphics = function (element) {
    Array.prototype.forEach.call(element.querySelectorAll("svg.main-svg"), function (svg) {
      svg.setAttribute("aria-hidden", "true");
    });
  };

  window.QualityMap = QualityMap;
})();
