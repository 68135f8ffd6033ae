// Organisations by current grade (data from the page's JSON block).
(function () {
  var el = document.getElementById("grade-chart");
  var data = JSON.parse(document.getElementById("grade-chart-data").textContent);
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var chart = echarts.init(el, null, { locale: zh ? "ZH" : "EN", renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.values, itemStyle: { color: "#1f4e79" }, barMaxWidth: 40, label: { show: true, position: "top" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
