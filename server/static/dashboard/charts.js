/* The six charts. Each draw* function turns one API answer into a Chart.js chart and puts the
   numbers it drew on the <figure> (data-values, JSON) and in a table under the canvas, so a
   screen reader, a person who wants the figures and the browser test all read the same
   numbers. Nothing here touches the network. */
"use strict";

(function () {
  const t = (key) => window.JX.i18n.t(key);
  const num = (value) => (value === null || value === undefined ? null : Number(value));
  const COLORS = {
    computed: "rgba(120, 144, 156, 0.75)",
    calibrated: "rgba(25, 118, 210, 0.85)",
    guideline: "rgba(255, 193, 7, 0.35)",
    target: "rgba(230, 81, 0, 1)",
    interval: "rgba(25, 118, 210, 0.30)",
    point: "rgba(13, 71, 161, 1)",
    shrunken: "rgba(230, 81, 0, 1)",
    limit: "rgba(198, 40, 40, 0.8)",
    mean: "rgba(96, 125, 139, 0.9)",
    alarm: "rgba(198, 40, 40, 1)",
    weight: "rgba(120, 144, 156, 0.75)",
    variance: "rgba(46, 125, 50, 0.85)",
  };

  const percent = (value) => `${Math.round(Number(value) * 1000) / 10}%`;
  const fixed = (value, places) => (value === null || value === undefined
    ? "–" : Number(value).toFixed(places));

  /* Marks the figure rendered once Chart.js has drawn it (animation is off, so the first
     draw is the final one). */
  const renderedMark = {
    id: "jxRendered",
    afterRender(chart) {
      const figure = chart.canvas.closest("figure");
      if (figure && figure.dataset.state !== "ready") figure.dataset.state = "ready";
    },
  };

  function fillTable(figure, columns, rows) {
    let details = figure.querySelector("details");
    if (!details) {
      details = document.createElement("details");
      details.className = "numbers";
      details.append(document.createElement("summary"), document.createElement("div"));
      details.lastChild.className = "table-wrap";
      figure.append(details);
    }
    details.querySelector("summary").textContent = t("numbers");
    const table = document.createElement("table");
    table.className = "numbers";
    const head = table.createTHead().insertRow();
    for (const column of columns) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = column;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const cell of row) tr.insertCell().textContent = cell ?? "–";
    }
    details.lastChild.replaceChildren(table);
  }

  function render(figure, config, values, caption) {
    const canvas = figure.querySelector("canvas");
    const previous = window.Chart.getChart(canvas);
    if (previous) previous.destroy();
    figure.dataset.state = "drawing";
    figure.dataset.values = JSON.stringify(values);
    figure.querySelector("figcaption").textContent = caption || "";
    canvas.setAttribute("aria-label", caption || "");
    config.options = Object.assign({
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
    }, config.options || {});
    config.plugins = [...(config.plugins || []), renderedMark];
    return new window.Chart(canvas, config);
  }

  function clear(figure, message) {
    const canvas = figure.querySelector("canvas");
    const previous = window.Chart.getChart(canvas);
    if (previous) previous.destroy();
    delete figure.dataset.values;
    figure.dataset.state = "empty";
    figure.querySelector("figcaption").textContent = message;
    const details = figure.querySelector("details");
    if (details) details.remove();
  }

  const percentAxis = (extra) => Object.assign({
    beginAtZero: true, ticks: { callback: (v) => percent(v) },
  }, extra || {});

  const deptName = (row) => (row.department ? row.department.name : "–");

  function drawCompletion(figure, rows) {
    const labels = rows.map(deptName);
    const completionRate = rows.map((r) => num(r.completionRate));
    fillTable(figure, [t("department"), t("headcount"), t("scored"), t("completionRate"),
      t("averageScore")], rows.map((r) => [deptName(r), r.headcount, r.scored,
      r.completionRate === null ? null : percent(r.completionRate), r.averageScore]));
    figure.querySelector(".canvas-box").style.height = `${Math.max(240, 50 + rows.length * 22)}px`;
    return render(figure, {
      type: "bar",
      data: { labels, datasets: [{ label: t("completionRate"), data: completionRate,
        backgroundColor: COLORS.calibrated }] },
      options: { indexAxis: "y", scales: { x: percentAxis() },
        plugins: { legend: { display: false } } },
    }, { labels, series: { completionRate } });
  }

  function drawDistribution(figure, distribution) {
    const grades = distribution.grades;
    const labels = grades.map((g) => g.label || g.grade);
    const series = {
      computedShare: grades.map((g) => num(g.computedShare)),
      calibratedShare: grades.map((g) => num(g.calibratedShare)),
      guideline: grades.map((g) => (g.minShare === null && g.maxShare === null ? null
        : [num(g.minShare) ?? 0, num(g.maxShare) ?? 1])),
      targetShare: grades.map((g) => num(g.targetShare)),
    };
    fillTable(figure, [t("grade"), t("computed"), t("calibrated"), t("guideline"), t("target")],
      grades.map((g, i) => [labels[i], `${g.computedCount} (${percent(g.computedShare)})`,
        `${g.calibratedCount} (${percent(g.calibratedShare)})`,
        series.guideline[i] ? series.guideline[i].map(percent).join("–") : null,
        g.targetShare === null ? null : percent(g.targetShare)]));
    return render(figure, {
      type: "bar",
      data: { labels, datasets: [
        { label: t("computed"), data: series.computedShare, backgroundColor: COLORS.computed },
        { label: t("calibrated"), data: series.calibratedShare,
          backgroundColor: COLORS.calibrated },
        { label: t("guideline"), data: series.guideline, backgroundColor: COLORS.guideline,
          borderColor: COLORS.target, borderWidth: 1 },
        { type: "line", label: t("target"), data: series.targetShare, showLine: false,
          pointStyle: "line", pointRadius: 14, pointBorderWidth: 3,
          borderColor: COLORS.target, backgroundColor: COLORS.target },
      ] },
      options: { scales: { y: percentAxis() } },
    }, { labels, series },
    `${distribution.scopeName} · ${t("scored")} ${distribution.scored}/${distribution.headcount}`);
  }

  function drawRanking(figure, ranking) {
    const rows = ranking.rows;
    const labels = rows.map((r) => `${r.rank}. ${r.department.name}`);
    const series = {
      averageScore: rows.map((r) => num(r.averageScore)),
      interval: rows.map((r) => (r.interval ? [num(r.interval.low), num(r.interval.high)] : null)),
      shrunkenAverage: rows.map((r) => num(r.shrunkenAverage)),
      completionRate: rows.map((r) => num(r.completionRate)),
    };
    const datasets = [
      { type: "bar", label: t("interval"), data: series.interval,
        backgroundColor: COLORS.interval, barPercentage: 0.6 },
      { type: "line", label: t("averageScore"), data: series.averageScore, showLine: false,
        pointRadius: 4, borderColor: COLORS.point, backgroundColor: COLORS.point },
    ];
    if (series.shrunkenAverage.some((v) => v !== null)) {
      datasets.push({ type: "line", label: t("shrunken"), data: series.shrunkenAverage,
        showLine: false, pointStyle: "triangle", pointRadius: 5,
        borderColor: COLORS.shrunken, backgroundColor: COLORS.shrunken });
    }
    fillTable(figure, [t("rank"), t("department"), t("headcount"), t("scored"),
      t("averageScore"), t("interval"), t("shrunken"), t("completionRate"), t("previous")],
    rows.map((r) => [r.rank, r.department.name, r.headcount, r.scored, r.averageScore,
      r.interval ? `${r.interval.low}–${r.interval.high}` : null, r.shrunkenAverage,
      r.completionRate === null ? null : percent(r.completionRate), r.previousRank]));
    const box = figure.querySelector(".canvas-box");
    box.style.height = `${Math.max(220, 60 + rows.length * 26)}px`;
    const average = ranking.companyAverage === null ? "" : ` · ${t("companyAverage")} ${ranking.companyAverage}`;
    return render(figure, {
      type: "bar",
      data: { labels, datasets },
      options: { indexAxis: "y", scales: { x: { beginAtZero: false } } },
    }, { labels, series }, `${ranking.period.label}${average}`);
  }

  function drawTrend(figure, trend) {
    const points = trend.points;
    const labels = points.map((p) => p.period.label);
    const flat = (value) => points.map(() => num(value));
    const series = {
      averageScore: points.map((p) => num(p.averageScore)),
      mean: flat(trend.mean),
      upperLimit: flat(trend.upperLimit),
      lowerLimit: flat(trend.lowerLimit),
      outOfControl: points.map((p) => p.outOfControl),
    };
    const limit = (label, data, color) => ({ label, data, borderColor: color, borderDash: [6, 4],
      pointRadius: 0, borderWidth: 1.5, fill: false });
    fillTable(figure, [t("period"), t("scored"), t("averageScore"), t("completionRate"),
      t("grade"), t("outOfControl")], points.map((p) => [p.period.label, p.scored,
      p.averageScore, p.completionRate === null ? null : percent(p.completionRate), p.grade,
      p.outOfControl ? "⚠" : ""]));
    const datasets = [{
      label: t("averageScore"), data: series.averageScore, spanGaps: true,
      borderColor: COLORS.point, backgroundColor: COLORS.point, pointRadius: 4,
      pointBackgroundColor: points.map((p) => (p.outOfControl ? COLORS.alarm : COLORS.point)),
    }];
    if (trend.mean !== null) datasets.push(limit(t("mean"), series.mean, COLORS.mean));
    if (trend.upperLimit !== null) datasets.push(limit(t("upperLimit"), series.upperLimit, COLORS.limit));
    if (trend.lowerLimit !== null) datasets.push(limit(t("lowerLimit"), series.lowerLimit, COLORS.limit));
    return render(figure, { type: "line", data: { labels, datasets },
      options: { scales: { y: { beginAtZero: false } } } },
    { labels, series }, trend.subjectName);
  }

  /* The heat map: a scatter of square points on an index grid, coloured by r. */
  function drawCorrelation(figure, matrix) {
    const labels = matrix.variables.map((v) => v.label);
    const k = labels.length;
    const byPair = new Map(matrix.pairs.map((p) => [`${p.x},${p.y}`, p]));
    const cells = [];
    for (let i = 0; i < k; i += 1) {
      for (let j = 0; j < k; j += 1) {
        const pair = i === j ? null : byPair.get(`${Math.min(i, j)},${Math.max(i, j)}`);
        cells.push({ x: j, y: i, r: i === j ? 1 : (pair ? pair.coefficient : null),
          status: i === j ? "OK" : (pair ? pair.status : "TOO_FEW_POINTS"),
          n: pair ? pair.n : null, p: pair ? pair.pValue : null });
      }
    }
    const colour = (cell) => {
      if (cell.status !== "OK" || cell.r === null) return "rgba(200, 200, 200, 0.6)";
      const a = Math.min(1, Math.abs(cell.r)) * 0.85 + 0.1;
      return cell.r >= 0 ? `rgba(198, 40, 40, ${a})` : `rgba(21, 101, 192, ${a})`;
    };
    const side = (chart) => {
      const area = chart.chartArea;
      return area ? Math.min(area.width, area.height) / k : 10;
    };
    const radius = (ctx) => (side(ctx.chart) * 0.94) / Math.SQRT2;
    const short = (value) => {
      const label = labels[value] ?? "";
      return label.length > 10 ? `${label.slice(0, 9)}…` : label;
    };
    const cellText = {
      id: "jxCellText",
      afterDatasetsDraw(chart) {
        const size = side(chart);
        if (size < 22) return;
        const { ctx } = chart;
        ctx.save();
        ctx.font = `${Math.min(14, Math.floor(size / 3.2))}px sans-serif`;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        chart.getDatasetMeta(0).data.forEach((element, index) => {
          const cell = cells[index];
          ctx.fillStyle = cell.r !== null && Math.abs(cell.r) > 0.55 ? "#fff" : "#222";
          ctx.fillText(cell.status === "OK" && cell.r !== null ? cell.r.toFixed(2) : "–",
            element.x, element.y);
        });
        ctx.restore();
      },
    };
    const statusText = (status) => ({ TOO_FEW_POINTS: t("tooFewPoints"),
      CONSTANT_SERIES: t("constantSeries") })[status] || status;
    fillTable(figure, [t("pair"), t("n"), t("r"), t("pValue"), t("status")],
      matrix.pairs.map((p) => [`${labels[p.x]} × ${labels[p.y]}`, p.n, fixed(p.coefficient, 3),
        p.pValue === null ? null : Number(p.pValue).toPrecision(3), statusText(p.status)]));
    // One tick per variable at the cell centres (a linear scale would start at -0.5).
    const axis = (reverse) => ({ type: "linear", min: -0.5, max: k - 0.5, reverse,
      grid: { display: false }, ticks: { autoSkip: false, callback: short },
      afterBuildTicks: (scale) => { scale.ticks = labels.map((_, i) => ({ value: i })); } });
    const values = { labels, variables: matrix.variables.map((v) => ({ kind: v.kind, name: v.name })),
      pairs: matrix.pairs.map((p) => ({ x: p.x, y: p.y, n: p.n,
      status: p.status, coefficient: p.coefficient, pValue: p.pValue })) };
    return render(figure, {
      type: "scatter",
      data: { datasets: [{ data: cells, pointStyle: "rect", radius, hoverRadius: radius,
        backgroundColor: (ctx) => colour(cells[ctx.dataIndex] || {}), borderWidth: 0 }] },
      options: {
        scales: { x: axis(false), y: axis(true) },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label(ctx) {
          const cell = cells[ctx.dataIndex];
          const head = `${labels[cell.y]} × ${labels[cell.x]}`;
          if (cell.status !== "OK") return `${head}: ${statusText(cell.status)} (n=${cell.n})`;
          return `${head}: r=${fixed(cell.r, 3)} n=${cell.n ?? "–"} p=${cell.p === null ? "–" : Number(cell.p).toPrecision(3)}`;
        } } } },
      },
      plugins: [cellText],
    }, values, `${matrix.method} · n ≥ ${matrix.minPoints}`);
  }

  function drawDrivers(figure, drivers) {
    const rows = drivers.drivers;
    const labels = rows.map((d) => d.indicator);
    const series = {
      weightShare: rows.map((d) => num(d.weightShare)),
      varianceShare: rows.map((d) => num(d.varianceShare)),
      coefficient: rows.map((d) => num(d.coefficient)),
    };
    fillTable(figure, [t("indicator"), t("weightShare"), t("varianceShare"), t("coefficient")],
      rows.map((d) => [d.indicator, percent(d.weightShare),
        d.varianceShare === null ? null : percent(d.varianceShare), fixed(d.coefficient, 3)]));
    const box = figure.querySelector(".canvas-box");
    box.style.height = `${Math.max(240, 80 + rows.length * 34)}px`;
    return render(figure, {
      type: "bar",
      data: { labels, datasets: [
        { label: t("weightShare"), data: series.weightShare, backgroundColor: COLORS.weight },
        { label: t("varianceShare"), data: series.varianceShare,
          backgroundColor: COLORS.variance },
      ] },
      options: { indexAxis: "y", scales: { x: percentAxis() } },
    }, { labels, series },
    `n = ${drivers.n} · ${t("rSquared")} = ${fixed(drivers.rSquared, 3)}`);
  }

  window.JX.charts = {
    drawCompletion, drawDistribution, drawRanking, drawTrend, drawCorrelation, drawDrivers,
    clear, fillTable, percent, deptName,
  };
})();
