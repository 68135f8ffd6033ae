// Placements by month (eco and other, stacked) with the eco share as a line (data from the page's JSON block).
(function () {
  var el = document.getElementById("eco-chart");
  var data = JSON.parse(document.getElementById("eco-chart-data").textContent);
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var chart = echarts.init(el, null, { locale: zh ? "ZH" : "EN", renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [data.labels.eco, data.labels.other, data.labels.share] },
    grid: { left: 50, right: 60, top: 50, bottom: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: [
      { type: "value", name: data.unit, minInterval: 1 },
      { type: "value", name: "%", min: function (v) { return Math.max(0, Math.floor(v.min - 2)); }, max: 100 }
    ],
    series: [
      { name: data.labels.eco, type: "bar", stack: "n", data: data.eco, itemStyle: { color: "#198754" }, barMaxWidth: 36 },
      { name: data.labels.other, type: "bar", stack: "n", data: data.other, itemStyle: { color: "#adb5bd" }, barMaxWidth: 36 },
      { name: data.labels.share, type: "line", yAxisIndex: 1, data: data.share, connectNulls: true, itemStyle: { color: "#1f4e79" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
