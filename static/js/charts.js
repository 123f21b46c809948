// Draws every [data-chart] element from the JSON in the <script> its data-chart names.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    const chart = echarts.init(el);
    const dark = el.dataset.theme === "dark";
    const text = { color: dark ? "#eee" : "#333" };
    if (el.dataset.kind === "domains") {
      chart.setOption({
        textStyle: text,
        tooltip: {},
        xAxis: { type: "category", data: data.domains.map((d) => d.name), axisLabel: text },
        yAxis: { type: "value", axisLabel: text },
        series: [{ type: "bar", data: data.domains.map((d) => ({ value: d.value, itemStyle: { color: d.color } })) }],
      });
    } else {
      chart.setOption({
        textStyle: text,
        tooltip: { trigger: "axis" },
        legend: { textStyle: text },
        xAxis: { type: "category", data: data.months, axisLabel: text },
        yAxis: [{ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", ...text } },
                { type: "value", axisLabel: text }],
        series: [
          { name: el.dataset.labelResponse, type: "line", data: data.response },
          { name: el.dataset.labelResolution, type: "line", data: data.resolution },
          { name: el.dataset.labelSatisfaction, type: "line", data: data.satisfaction },
          { name: el.dataset.labelReceived, type: "bar", yAxisIndex: 1, data: data.received, itemStyle: { opacity: 0.3 } },
        ],
      });
    }
    window.addEventListener("resize", () => chart.resize());
  });
});
