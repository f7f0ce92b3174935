/* Talking to the GraphQL API: the session's tokens live in sessionStorage (gone when the tab
   closes), every request carries the bearer token and the page's language, and an expired
   access token is renewed once with the refresh token before the page gives up. */
"use strict";

(function () {
  const ACCESS = "jx.access";
  const REFRESH = "jx.refresh";
  const USER = "jx.user";

  class ApiError extends Error {
    constructor(message, code, reason) {
      super(message);
      this.code = code || "";
      this.reason = reason || "";
    }
  }

  const session = {
    get token() { return window.sessionStorage.getItem(ACCESS); },
    get user() {
      const raw = window.sessionStorage.getItem(USER);
      return raw ? JSON.parse(raw) : null;
    },
    store(payload) {
      window.sessionStorage.setItem(ACCESS, payload.accessToken);
      window.sessionStorage.setItem(REFRESH, payload.refreshToken);
      if (payload.user) window.sessionStorage.setItem(USER, JSON.stringify(payload.user));
    },
    clear() {
      for (const key of [ACCESS, REFRESH, USER]) window.sessionStorage.removeItem(key);
    },
  };

  async function post(query, variables, token) {
    const headers = {
      "Content-Type": "application/json",
      "Accept": "application/json",
      "Accept-Language": window.JX.i18n.acceptLanguage(),
    };
    if (token) headers.Authorization = "Bearer " + token;
    let response;
    try {
      response = await fetch("/graphql", {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables: variables || {} }),
        credentials: "omit",
        cache: "no-store",
      });
    } catch (err) {
      throw new ApiError(window.JX.i18n.t("networkError"), "NETWORK");
    }
    const body = await response.json().catch(() => ({}));
    return { data: body.data ?? null, errors: body.errors || [] };
  }

  function codeOf(error) {
    return (error && error.extensions && error.extensions.code) || "";
  }

  const LOGIN = `mutation Login($u: String!, $p: String!) {
    login(username: $u, password: $p) {
      accessToken refreshToken user { id name }
    }
  }`;
  const REFRESH_TOKENS = `mutation Refresh($t: String!) {
    refresh(refreshToken: $t) { accessToken refreshToken user { id name } }
  }`;
  const LOGOUT = "mutation Logout { logout }";

  async function login(username, password) {
    const result = await post(LOGIN, { u: username, p: password }, null);
    if (result.errors.length || !result.data) {
      const first = result.errors[0] || {};
      throw new ApiError(first.message || "login failed", codeOf(first));
    }
    session.store(result.data.login);
    return result.data.login.user;
  }

  async function renew() {
    const token = window.sessionStorage.getItem(REFRESH);
    if (!token) return false;
    const result = await post(REFRESH_TOKENS, { t: token }, null);
    if (result.errors.length || !result.data) return false;
    session.store(result.data.refresh);
    return true;
  }

  let onSignedOut = () => {};

  /* {data, errors} of one operation; a second try after renewing an expired token. */
  async function gql(query, variables) {
    let result = await post(query, variables, session.token);
    if (result.errors.some((e) => codeOf(e) === "UNAUTHENTICATED")) {
      if (await renew()) result = await post(query, variables, session.token);
      if (result.errors.some((e) => codeOf(e) === "UNAUTHENTICATED")) {
        session.clear();
        onSignedOut(window.JX.i18n.t("sessionEnded"));
        throw new ApiError(window.JX.i18n.t("sessionEnded"), "UNAUTHENTICATED");
      }
    }
    return result;
  }

  async function logout() {
    if (session.token) {
      try { await post(LOGOUT, {}, session.token); } catch (err) { /* signing out anyway */ }
    }
    session.clear();
  }

  window.JX.api = {
    ApiError, session, gql, login, logout, codeOf,
    set onSignedOut(fn) { onSignedOut = fn; },
  };
})();
