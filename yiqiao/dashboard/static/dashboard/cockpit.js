// The cockpit's charts: each <div data-chart="key"> is filled from /api/cockpit/charts/<key>
// with the page's as-of day and region, drawn by the ECharts file shipped in static/vendor.
(function () {
  "use strict";
  function draw(el, data) {
    var horizontal = el.dataset.layout === "bars";
    var stacked = el.dataset.stack === "1";
    var funnel = el.dataset.layout === "funnel";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    if (!data.labels.length) {
      el.innerHTML = '<p class="muted empty">' + el.dataset.empty + "</p>";
      return;
    }
    var series = data.series.map(function (s, i) {
      var out = { name: s.name, type: "bar", data: s.data };
      if (stacked) { out.stack = "all"; }
      if (!horizontal && !stacked && !funnel && i === 1 && el.dataset.layout === "months") {
        out.type = "line"; out.yAxisIndex = 1;
      }
      return out;
    });
    if (funnel) {
      chart.setOption({
        tooltip: { trigger: "item" },
        series: [{ type: "funnel", sort: "none", left: "10%", width: "80%",
          label: { formatter: "{b}：{c}" },
          data: data.labels.map(function (l, i) { return { name: l, value: data.series[0].data[i] }; }) }]
      });
      return;
    }
    var category = { type: "category", data: data.labels, axisLabel: { interval: 0, width: 120, overflow: "truncate", rotate: el.dataset.layout === "columns" ? 35 : 0 } };
    var value = { type: "value" };
    var option = {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: horizontal ? 140 : 50, right: 50, top: 40, bottom: horizontal ? 20 : 50 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : (el.dataset.layout === "months" ? [value, { type: "value" }] : value),
      series: series
    };
    chart.setOption(option);
    if (data.ids && el.dataset.link) {
      chart.on("click", function (p) { window.location.href = el.dataset.link.replace("0", data.ids[p.dataIndex]); });
    }
  }
  function load() {
    var query = document.body.dataset.cockpitQuery || "";
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      fetch("/api/cockpit/charts/" + el.dataset.chart + "?" + query, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { draw(el, data); el.dataset.loaded = "1"; })
        .catch(function () { el.innerHTML = '<p class="error">' + el.dataset.failed + "</p>"; });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", load); } else { load(); }
})();
