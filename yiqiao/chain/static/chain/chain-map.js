// The chain map: ECharts graph (shipped in static/vendor/echarts), nodes coloured by gap level;
// a click opens the node page. The server gives each node a grid place (column, row): stage
// columns, each an outline of positions with their groups below. Here the grid is laid out in
// pixels at the chart's own width, one row per label and labels cut to their column's width, so
// labels never overlap and are drawn at their real size (two invisible corner anchors pin the
// graph's bounding box to the chart's, so ECharts does not shrink it to fit).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("chain-chart");
  var source = document.getElementById("chain-graph");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var colours = { red: "#d9363e", amber: "#f0a020", green: "#3a9d5d", "": "#9aa4b2" };
  var ROW = 24, TOP = 44, LEFT = 14, INDENT = 18, BOTTOM = 16;
  var chart = null;

  function option() {
    var width = holder.clientWidth;
    var height = TOP + Math.ceil(data.rows) * ROW + BOTTOM;
    holder.style.height = height + "px";
    var columnWidth = (width - LEFT) / Math.max(1, data.columns.length);
    var nodes = data.nodes.map(function (n) {
      var top = n.level === 1;
      var indent = top ? 0 : INDENT;
      return {
        id: n.code, name: n.name,
        x: LEFT + n.col * columnWidth + indent + 8, y: TOP + n.row * ROW + ROW / 2,
        symbolSize: top ? 14 : 9,
        itemStyle: { color: colours[n.gap || ""], borderColor: "#fff", borderWidth: 1 },
        label: {
          show: true, position: "right", distance: 6,
          fontSize: top ? 13 : 12, fontWeight: top ? "bold" : "normal", color: "#1f2937",
          width: Math.max(40, columnWidth - indent - 34), overflow: "truncate"
        },
        value: n.local, gap: n.gap, score: n.score
      };
    });
    var known = {};
    nodes.forEach(function (n) { known[n.id] = true; });
    var anchor = { symbolSize: 0, label: { show: false }, silent: true, tooltip: { show: false } };
    nodes.push(Object.assign({ id: "__top", name: "", x: 0, y: 0 }, anchor));
    nodes.push(Object.assign({ id: "__bottom", name: "", x: width, y: height }, anchor));
    var links = data.edges.filter(function (e) { return known[e[0]] && known[e[1]]; })
      .map(function (e) { return { source: e[0], target: e[1] }; });
    var titles = data.columns.map(function (title, i) {
      return { type: "text", left: LEFT + i * columnWidth, top: 12,
               style: { text: title, font: "bold 14px sans-serif", fill: "#4b5563" } };
    });
    return {
      animation: false,
      graphic: titles,
      tooltip: { formatter: function (p) {
        if (p.dataType !== "node" || String(p.data.id).indexOf("__") === 0) { return ""; }
        return p.data.name + "<br>本地企业 " + p.data.value +
          (p.data.score !== null ? "<br>缺口分 " + p.data.score : "");
      } },
      series: [{ type: "graph", layout: "none", roam: true, left: 0, top: 0, right: 0, bottom: 0,
        data: nodes, links: links, labelLayout: { hideOverlap: false },
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 5,
        lineStyle: { color: "#aab4c3", width: 0.8, curveness: 0.2, opacity: 0.25 },
        emphasis: { focus: "adjacency", lineStyle: { opacity: 0.9, width: 1.5 } } }]
    };
  }

  var first = option();  // sizes the holder before ECharts measures it
  chart = window.echarts.init(holder);
  chart.setOption(first);
  chart.on("click", function (p) {
    if (p.dataType === "node" && String(p.data.id).indexOf("__") !== 0) {
      window.location.href = data.node_url.replace("__code__", p.data.id);
    }
  });
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { chart.setOption(option(), true); chart.resize(); }, 150);
  });
});
