// authkit-early.js: part of authkit-yew (https://example.invalid/authkit-yew).
//
// Starts the session restore while the app's wasm is still downloading: on a reload with a
// session hint it sends the refresh (a CORS preflight and a POST, two round trips) at once, under
// the SDK's cross-tab lock, and hands the answer to the SDK when it starts. Include it inline at
// the top of <head> with Trunk: <link data-trunk rel="inline" href="authkit-early.js" />
//
// It keeps the SDK's promises:
// - it runs only where the SDK would restore: a page that is not framed and not the sign-in
//   callback, with a dev-mode refresh token or a `workos-has-session` cookie naming the client,
//   and with the settings the SDK remembered on its last start (localStorage `authkit:early`);
// - one refresh per browser: it holds the SDK's lock (navigator.locks) from before the request
//   until the SDK has installed the session and told the other tabs (or 5 s without an SDK);
//   without navigator.locks it does nothing;
// - the refresh token stays where the SDK keeps it: in dev mode the rotated one is stored under
//   the SDK's key, as the SDK does; in cookie mode it stays in the HttpOnly cookie, and the
//   script drops it from the answer before anything else can see it;
// - the answer (access token, user) is handed to the SDK once: the accessor removes itself on
//   the first call, and an answer the SDK has not taken after 30 s is dropped.
// Nothing here logs, and every failure leaves the restore to the SDK.
(function () {
  "use strict";
  var ACCESSOR = "__authkitEarlyRestore";
  var HOLD_MS = 5000;
  var KEEP_MS = 30000;
  var answer = Promise.resolve(null);
  try {
    answer = start();
  } catch (e) {
    answer = Promise.resolve(null);
  }
  Object.defineProperty(window, ACCESSOR, {
    configurable: true,
    value: function () {
      delete window[ACCESSOR];
      var taken = answer;
      answer = Promise.resolve(null);
      return taken;
    },
  });
  setTimeout(function () {
    answer = Promise.resolve(null);
  }, KEEP_MS);

  function start() {
    if (window.top !== window.self || !navigator.locks || !window.AbortSignal) {
      return Promise.resolve(null);
    }
    var config = JSON.parse(localStorage.getItem("authkit:early") || "null");
    if (!config || typeof config.client_id !== "string" || typeof config.base_url !== "string") {
      return Promise.resolve(null);
    }
    if (isCallback(config.redirect_path)) {
      return Promise.resolve(null);
    }
    var tokenKey = "workos:refresh-token:" + config.client_id;
    var hint = config.dev_mode
      ? localStorage.getItem(tokenKey) !== null
      : hasSessionCookie(config.client_id);
    if (!hint) {
      return Promise.resolve(null);
    }
    var timeout = Math.max(1, Number(config.timeout_ms) || 10000);
    return new Promise(function (resolve) {
      var lock = navigator.locks.request(
        config.lock_name,
        { signal: AbortSignal.timeout(timeout) },
        function () {
          return refresh(config, tokenKey, timeout).then(function (result) {
            if (!result) {
              resolve(null);
              return null;
            }
            // Held until the SDK has installed the session and told the other tabs.
            return new Promise(function (release) {
              var timer = setTimeout(release, HOLD_MS);
              result.release = function () {
                clearTimeout(timer);
                release();
              };
              resolve(result);
            });
          });
        }
      );
      lock.catch(function () {
        resolve(null);
      });
    });
  }

  function refresh(config, tokenKey, timeout) {
    var body = { client_id: config.client_id, grant_type: "refresh_token" };
    if (config.dev_mode) {
      var stored = localStorage.getItem(tokenKey);
      if (stored === null) {
        return Promise.resolve(null);
      }
      body.refresh_token = stored;
    }
    var organization = sessionStorage.getItem("workos-org-id:" + config.client_id);
    if (organization) {
      body.organization_id = organization;
    }
    var init = {
      method: "POST",
      headers: { Accept: "application/json, text/plain, */*", "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    };
    if (!config.dev_mode) {
      init.credentials = "include";
    }
    return fetch(config.base_url + "/user_management/authenticate", init)
      .then(function (response) {
        var receivedAt = Date.now();
        return response.text().then(function (text) {
          return {
            client_id: config.client_id,
            base_url: config.base_url,
            status: response.status,
            retry_after: response.headers.get("retry-after"),
            received_at_ms: receivedAt,
            body: response.ok ? withoutRefreshToken(text, config.dev_mode, tokenKey) : text,
          };
        });
      })
      .catch(function () {
        return null;
      });
  }

  // The answer without its refresh token; in dev mode the rotated token is stored first, under
  // the SDK's key, as the SDK does.
  function withoutRefreshToken(text, devMode, tokenKey) {
    var data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return text;
    }
    if (data && typeof data === "object") {
      var rotated = data.refresh_token;
      delete data.refresh_token;
      if (devMode && typeof rotated === "string" && rotated !== "") {
        localStorage.setItem(tokenKey, rotated);
      }
      return JSON.stringify(data);
    }
    return text;
  }

  function isCallback(redirectPath) {
    var path = location.pathname;
    var onPath =
      typeof redirectPath === "string" &&
      (path === redirectPath || path === redirectPath + "/");
    var query = new URLSearchParams(location.search);
    return onPath && (query.has("code") || query.has("error"));
  }

  function hasSessionCookie(clientId) {
    return document.cookie.split(";").some(function (cookie) {
      var pair = cookie.split("=");
      if (pair.shift().trim() !== "workos-has-session") {
        return false;
      }
      var value = pair.join("=").trim().replace(/^"|"$/g, "").trim();
      return (
        value === "1" ||
        value.split(".").some(function (id) {
          return id.trim() === clientId;
        })
      );
    });
  }
})();
