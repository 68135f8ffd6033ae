// Targets 2020–2025 against actuals for one indicator (data from the page's JSON block).
(function () {
  var el = document.getElementById("indicator-chart");
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var chart = echarts.init(el, null, { locale: zh ? "ZH" : "EN", renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [data.labels.target, data.labels.actual] },
    grid: { left: 50, right: 20, top: 50, bottom: 30 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: data.unit, scale: true },
    series: [
      { name: data.labels.target, type: "line", data: data.targets, lineStyle: { type: "dashed" }, connectNulls: true },
      { name: data.labels.actual, type: "bar", data: data.actuals, barMaxWidth: 36 }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
