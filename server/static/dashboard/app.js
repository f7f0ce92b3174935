/* The page: sign in, pick a period, load the caller's dashboard and the analytics his role
   may read, one panel at a time. A panel whose query answers FORBIDDEN is hidden quietly; each
   panel's data-state (loading, ready, empty, hidden, error) tells a test when it is done. */
"use strict";

(function () {
  const { i18n, api, charts } = window.JX;
  const t = (key) => i18n.t(key);
  const $ = (id) => document.getElementById(id);
  const PERIODS_BACK = 13; // the current month and the twelve before it

  const PERIOD = "period { kind start end label }";
  const Q_PROBE = (starts) => `query Periods {\n${starts.map((start, i) =>
    `  p${i}: gradeDistribution(period: {kind: MONTH, start: "${start}"}) { ${PERIOD} scored }`)
    .join("\n")}\n}`;
  const Q_MY_PERIODS = `query MyPeriods($period: AnalyticsPeriodInput!) {
    dashboard(period: $period) { me { trend { points { ${PERIOD} scored } } } } }`;
  const Q_ME = `query Me { me { id name roles { role department { id name } } }
    departments { id name parent { id } } }`;
  const Q_DASHBOARD = `query Dashboard($period: AnalyticsPeriodInput!) {
    dashboard(period: $period) {
      view scopeName ${PERIOD} openAppeals
      completion { department { id name } headcount scored completionRate averageScore }
      distribution { scopeName headcount scored grades { grade label computedCount
        computedShare calibratedCount calibratedShare minShare maxShare targetShare } }
      ranking { ${PERIOD} companyAverage rows { department { id name } rank headcount scored
        completionRate averageScore interval { low high level } shrunkenAverage previousRank } }
      overdue { step count due }
      alignment { department { id name } plan { id } companyIndicators carried missing share }
      me { score grade completionRate }
    }
  }`;
  const TREND_FIELDS = `subjectName mean sd upperLimit lowerLimit
    points { period { start label } scored averageScore completionRate grade outOfControl }`;
  const Q_TREND = `query Trend($subject: TrendSubjectInput!, $from: Date!, $to: Date!) {
    trend(subject: $subject, from: $from, to: $to, kind: MONTH) { ${TREND_FIELDS} } }`;
  const Q_VARIABLES = `query Variables($periods: [AnalyticsPeriodInput!]!) {
    analyticsVariables(periods: $periods) { kind name label observations } }`;
  const Q_CORRELATION = `query Correlation($periods: [AnalyticsPeriodInput!]!,
      $variables: [AnalyticsVariableInput!]!) {
    indicatorCorrelation(periods: $periods, variables: $variables, method: PEARSON) {
      method minPoints variables { kind name label observations }
      pairs { x y n status coefficient pValue adjustedPValue low high } } }`;
  const Q_DRIVERS = `query Drivers($period: AnalyticsPeriodInput!) {
    scoreDrivers(period: $period) { status n rSquared
      drivers { indicator weight weightShare coefficient varianceShare gap } } }`;
  const PANELS = ["me", "tiles", "completion", "distribution", "ranking", "trend", "correlation",
    "drivers", "alignment"];
  const MAX_VARIABLES = 10; // a bigger matrix is unreadable on a phone

  const state = { me: null, departments: [], periods: [], period: null, view: null, run: 0 };

  /* Month starts, newest first, as YYYY-MM-01 (local calendar, no time zone arithmetic). */
  function monthStarts(count, from) {
    const out = [];
    let y = from.getFullYear();
    let m = from.getMonth() + 1;
    for (let i = 0; i < count; i += 1) {
      out.push(`${y}-${String(m).padStart(2, "0")}-01`);
      m -= 1;
      if (m === 0) { m = 12; y -= 1; }
    }
    return out;
  }
  const monthsBefore = (start, count) => monthStarts(count + 1, new Date(`${start}T00:00:00`))[count];

  function panel(name) { return $(`panel-${name}`); }
  function setPanel(name, panelState, message) {
    const el = panel(name);
    el.dataset.state = panelState;
    el.hidden = panelState === "hidden";
    const figure = el.querySelector("figure");
    if (figure && panelState !== "ready") charts.clear(figure, message || "");
  }
  const figureOf = (name) => panel(name).querySelector("figure");
  const forbidden = (errors) => errors.some((e) => api.codeOf(e) === "FORBIDDEN");

  /* One panel's query: FORBIDDEN hides it, other errors show in its caption. */
  async function load(name, query, variables, draw, run) {
    setPanel(name, "loading", t("loading"));
    try {
      const { data, errors } = await api.gql(query, variables);
      if (run !== state.run) return;
      if (forbidden(errors)) { setPanel(name, "hidden"); return; }
      if (errors.length || !data) { setPanel(name, "error", errors[0]?.message || "?"); return; }
      const drew = await draw(data);
      if (run !== state.run) return;
      // false: nothing to draw; null: the draw function set the panel's state itself.
      if (drew === false) setPanel(name, "empty", t("noData"));
      else if (drew !== null) panel(name).dataset.state = "ready";
    } catch (err) {
      if (run === state.run) setPanel(name, "error", err.message);
    }
  }

  function showSignIn(message) {
    $("board").hidden = true;
    $("sign-in").hidden = false;
    $("sign-out").hidden = true;
    $("who").hidden = true;
    const error = $("login-error");
    error.textContent = message || "";
    error.hidden = !message;
    $("username").focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const button = $("sign-in-button");
    button.disabled = true;
    try {
      await api.login($("username").value.trim(), $("password").value);
      $("password").value = "";
      await start();
    } catch (err) {
      showSignIn(err.message);
    } finally {
      button.disabled = false;
    }
  }

  async function signOut() {
    state.run += 1;
    await api.logout();
    showSignIn("");
  }

  async function start() {
    $("sign-in").hidden = true;
    $("board").hidden = false;
    $("sign-out").hidden = false;
    $("status").textContent = t("loading");
    const run = ++state.run;
    const meAnswer = await api.gql(Q_ME, {});
    if (run !== state.run) return;
    if (!meAnswer.data) {
      $("status").textContent = meAnswer.errors[0]?.message || "?";
      for (const name of PANELS) setPanel(name, "hidden");
      return;
    }
    state.me = meAnswer.data.me;
    state.departments = meAnswer.data.departments || [];
    $("who").textContent = state.me.name;
    $("who").hidden = false;
    const found = await recentPeriods();
    if (run !== state.run) return;
    if (!found.periods) {
      $("status").textContent = forbidden(found.errors) ? t("noAnalytics")
        : found.errors[0]?.message || "?";
      for (const name of PANELS) setPanel(name, "hidden");
      return;
    }
    state.periods = found.periods;
    const select = $("period");
    const keep = state.period && state.periods.some((p) => p.period.start === state.period);
    select.replaceChildren(...state.periods.map((p) => new Option(p.period.label, p.period.start)));
    const latest = state.periods.find((p) => p.scored > 0);
    state.period = keep ? state.period : (latest || state.periods[0]).period.start;
    select.value = state.period;
    $("status").textContent = latest ? "" : t("noPeriods");
    await refresh();
  }

  /* The recent months, newest first, each with how many people it scored: the company's
     (or division's, team's) from one request over gradeDistribution; for an employee, who
     may not read a distribution, from his own trend in the dashboard. */
  async function recentPeriods() {
    const starts = monthStarts(PERIODS_BACK, new Date());
    const probe = await api.gql(Q_PROBE(starts), {});
    if (probe.data) {
      return { periods: starts.map((_, i) => probe.data[`p${i}`]).filter(Boolean) };
    }
    if (!forbidden(probe.errors)) return { errors: probe.errors };
    const mine = await api.gql(Q_MY_PERIODS, { period: { kind: "MONTH", start: starts[0] } });
    const points = mine.data && mine.data.dashboard.me && mine.data.dashboard.me.trend
      ? mine.data.dashboard.me.trend.points : null;
    if (!points) return { errors: mine.errors.length ? mine.errors : probe.errors };
    return { periods: [...points].reverse() };
  }

  /* The trend's subject: the scope of the caller's view, or himself. */
  function trendSubjects(view) {
    if (view === "SELF") return [{ label: state.me.name, subject: { employeeId: state.me.id } }];
    const scoped = state.me.roles.filter((r) => r.department
      && ["VP", "DEPT_MANAGER", "HR_VP"].includes(r.role)).map((r) => r.department);
    const tops = state.departments.filter((d) => !d.parent);
    const roots = view === "COMPANY" || !scoped.length ? tops : scoped;
    // The roots first, then their subtrees (departments come parents first): the view's
    // reach, so no choice answers FORBIDDEN.
    const inside = new Set(roots.map((d) => d.id));
    for (const d of state.departments) if (d.parent && inside.has(d.parent.id)) inside.add(d.id);
    const seen = new Set();
    return [...roots, ...state.departments.filter((d) => inside.has(d.id))]
      .filter((d) => !seen.has(d.id) && seen.add(d.id))
      .map((d) => ({ label: d.name, subject: { departmentId: d.id } }));
  }

  async function refresh() {
    const run = ++state.run;
    const period = { kind: "MONTH", start: state.period };
    for (const name of PANELS) setPanel(name, "loading", t("loading"));
    const answer = await api.gql(Q_DASHBOARD, { period });
    if (run !== state.run) return;
    const board = answer.data && answer.data.dashboard;
    if (!board) {
      $("status").textContent = forbidden(answer.errors) ? t("noAnalytics")
        : answer.errors[0]?.message || "?";
      for (const name of ["me", "tiles", "completion", "distribution", "ranking", "alignment"]) {
        setPanel(name, "hidden");
      }
    } else {
      state.view = board.view;
      $("scope").textContent = `${t(`view_${board.view}`)} · ${board.scopeName} · ${board.period.label}`;
      drawBoard(board);
    }
    const view = board ? board.view : "SELF";
    const subjects = trendSubjects(view);
    const subjectSelect = $("trend-subject");
    subjectSelect.replaceChildren(...subjects.map((s, i) => new Option(s.label, String(i))));
    subjectSelect.closest("label").hidden = subjects.length < 2;
    state.subjects = subjects;
    await Promise.all([loadTrend(run), loadCorrelation(run), loadDrivers(run)]);
  }

  function drawBoard(board) {
    const mePanel = panel("me");
    if (board.me) {
      tiles($("me-tiles"), [[t("score"), board.me.score], [t("grade"), board.me.grade],
        [t("completionRate"), board.me.completionRate === null ? null
          : charts.percent(board.me.completionRate)]]);
      setPanel("me", "ready");
    } else {
      setPanel("me", "hidden");
    }
    mePanel.hidden = !board.me;
    tiles($("process-tiles"), [[t("openAppeals"), board.openAppeals],
      [t("overdue"), board.overdue.reduce((sum, o) => sum + o.count, 0)]]);
    table($("overdue-table"), [t("step"), t("count"), t("due")],
      board.overdue.map((o) => [t(`step_${o.step}`), o.count, o.due]));
    setPanel("tiles", board.view === "SELF" ? "hidden" : "ready");
    drawPanel("completion", board.completion.length > 0,
      () => charts.drawCompletion(figureOf("completion"), board.completion));
    drawPanel("distribution", board.distribution && board.distribution.scored > 0,
      () => charts.drawDistribution(figureOf("distribution"), board.distribution),
      !board.distribution);
    drawPanel("ranking", board.ranking && board.ranking.rows.length > 0,
      () => charts.drawRanking(figureOf("ranking"), board.ranking), !board.ranking);
    if (board.view === "SELF" && board.completion.length === 0) setPanel("completion", "hidden");
    table($("alignment-table"), [t("department"), t("plan"), t("carried"), t("missing"),
      t("share")], board.alignment.map((a) => [charts.deptName(a), a.plan ? "✓" : t("noPlan"),
      a.carried.join("、"), a.missing.join("、"), charts.percent(a.share)]));
    setPanel("alignment", board.alignment.length ? "ready" : "hidden");
  }

  function drawPanel(name, hasData, draw, hide) {
    if (hide) setPanel(name, "hidden");
    else if (!hasData) setPanel(name, "empty", t("noData"));
    else { panel(name).dataset.state = "ready"; panel(name).hidden = false; draw(); }
  }

  function tiles(dl, pairs) {
    dl.replaceChildren(...pairs.flatMap(([label, value]) => {
      const div = document.createElement("div");
      const dt = document.createElement("dt");
      const dd = document.createElement("dd");
      dt.textContent = label;
      dd.textContent = value ?? "–";
      div.append(dt, dd);
      return [div];
    }));
  }

  function table(el, columns, rows) {
    el.replaceChildren();
    if (!rows.length) return;
    const head = el.createTHead().insertRow();
    for (const c of columns) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = c;
      head.append(th);
    }
    const body = el.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const cell of row) tr.insertCell().textContent = cell ?? "–";
    }
  }

  function loadTrend(run) {
    const chosen = state.subjects[Number($("trend-subject").value) || 0];
    if (!chosen) { setPanel("trend", "hidden"); return Promise.resolve(); }
    const variables = { subject: chosen.subject, from: monthsBefore(state.period, 11),
      to: state.period };
    return load("trend", Q_TREND, variables, (data) => {
      if (!data.trend.points.some((p) => p.averageScore !== null)) return false;
      charts.drawTrend(figureOf("trend"), data.trend);
      return true;
    }, run);
  }

  function windowPeriods() {
    const count = Number($("correlation-window").value) || 1;
    return monthStarts(count, new Date(`${state.period}T00:00:00`))
      .map((start) => ({ kind: "MONTH", start }));
  }

  function loadCorrelation(run) {
    const periods = windowPeriods();
    return load("correlation", Q_VARIABLES, { periods }, async (data) => {
      // The variables with the most observations, the final score and metrics first.
      const rank = { FINAL_SCORE: 0, METRIC: 1, INDICATOR: 2 };
      const chosen = [...data.analyticsVariables].filter((v) => v.observations > 0)
        .sort((a, b) => rank[a.kind] - rank[b.kind] || b.observations - a.observations
          || a.label.localeCompare(b.label)).slice(0, MAX_VARIABLES);
      if (chosen.length < 2) return false;
      const variables = chosen.map((v) => (v.kind === "FINAL_SCORE" ? { kind: v.kind }
        : { kind: v.kind, name: v.name }));
      const answer = await api.gql(Q_CORRELATION, { periods, variables });
      if (forbidden(answer.errors)) { setPanel("correlation", "hidden"); return null; }
      if (!answer.data) throw new Error(answer.errors[0]?.message || "?");
      charts.drawCorrelation(figureOf("correlation"), answer.data.indicatorCorrelation);
      return true;
    }, run);
  }

  function loadDrivers(run) {
    return load("drivers", Q_DRIVERS, { period: { kind: "MONTH", start: state.period } },
      (data) => {
        const drivers = data.scoreDrivers;
        if (drivers.status !== "OK" || !drivers.drivers.length) {
          setPanel("drivers", "empty", drivers.status === "SINGULAR" ? t("singular")
            : `${t("tooFewPoints")} (n = ${drivers.n})`);
          return null;
        }
        charts.drawDrivers(figureOf("drivers"), drivers);
        return true;
      }, run);
  }

  /* Errors that reach here are shown, never left as unhandled rejections. */
  function safely(promise) {
    promise.catch((err) => {
      if (err && err.code === "UNAUTHENTICATED") return; // the sign-in form says so
      $("status").textContent = (err && err.message) || String(err);
    });
  }

  function main() {
    i18n.apply();
    api.onSignedOut = showSignIn;
    $("login-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", signOut);
    $("lang-toggle").addEventListener("click", () => {
      i18n.set(i18n.lang === "zh" ? "en" : "zh");
      if (api.session.token) safely(start()); // names, labels and messages come from the API
    });
    $("period").addEventListener("change", () => {
      state.period = $("period").value;
      safely(refresh());
    });
    $("trend-subject").addEventListener("change", () => safely(loadTrend(state.run)));
    $("correlation-window").addEventListener("change", () => safely(loadCorrelation(state.run)));
    if (api.session.token) safely(start()); else showSignIn("");
  }

  main();
})();
