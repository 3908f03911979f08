// authkit-early.js: part of authkit-yew (https://example.invalid/authkit-yew).
//
// Starts the SDK's first request while the app's wasm is still downloading: on the sign-in
// callback it exchanges the code, on a reload with a session hint it sends the restore refresh
// (each a CORS preflight and a POST, two round trips), and it hands the answer to the SDK when
// the SDK starts. Include it inline at the top of <head> with Trunk:
//   <link data-trunk rel="inline" href="authkit-early.js" />
//
// It keeps the SDK's promises:
// - it runs only where the SDK would send the same request, with the settings the SDK remembered
//   on its last start (localStorage `authkit:early`), in a page that is not framed: the callback
//   with a `code` and this tab's PKCE verifier, or a reload with a dev-mode refresh token or a
//   `workos-has-session` cookie naming the client;
// - one refresh per browser: it holds the SDK's lock (navigator.locks) from before the refresh
//   until the SDK has installed the session and told the other tabs (or 5 s without an SDK);
//   without navigator.locks it does not refresh;
// - the refresh token stays where the SDK keeps it: in dev mode the rotated one is stored under
//   the SDK's key, as the SDK does; in cookie mode it stays in the HttpOnly cookie, and the
//   script drops it from the answer before anything else can see it;
// - the answer (access token, user) is handed to the SDK once: the accessor removes itself on
//   the first call, and a restore the SDK has not taken after 30 s is dropped (the SDK then
//   restores by itself); a code exchange's answer is kept until taken, as its code is spent;
// - nothing another tab says is lost while the SDK is not listening yet: from its request on,
//   the script keeps the messages of the SDK's tab channel (a sign-out, a hand-off) and hands
//   them over with the answer, and the SDK applies them before the answer (a session another
//   tab signed out of meanwhile is not restored, and its token not kept).
// Nothing here logs. A request that got no answer (a timeout, a network error) is handed over as
// such; anything the script could not start is left to the SDK.
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
    var kept = answer;
    kept.then(function (result) {
      if (result && result.grant === "refresh_token" && answer === kept) {
        answer = Promise.resolve(null);
        result.messages();
      }
    });
  }, KEEP_MS);

  function start() {
    if (window.top !== window.self || !window.AbortSignal) {
      return Promise.resolve(null);
    }
    var config = JSON.parse(localStorage.getItem("authkit:early") || "null");
    if (!config || typeof config.client_id !== "string" || typeof config.base_url !== "string") {
      return Promise.resolve(null);
    }
    var tokenKey = "workos:refresh-token:" + config.client_id;
    var timeout = Math.max(1, Number(config.timeout_ms) || 10000);
    if (isCallback(config.redirect_path)) {
      return heard(config, exchange(config, tokenKey, timeout));
    }
    var hint = config.dev_mode
      ? localStorage.getItem(tokenKey) !== null
      : hasSessionCookie(config.client_id);
    if (!hint || !navigator.locks) {
      return Promise.resolve(null);
    }
    return heard(config, restore(config, tokenKey, timeout));
  }

  // The answer with `messages()`: what the SDK's tab channel carried from the request until the
  // SDK asks (calling it closes the channel). No answer, no channel.
  function heard(config, request) {
    var messages = [];
    var channel = null;
    try {
      channel = new BroadcastChannel("authkit:" + config.client_id);
      channel.onmessage = function (event) {
        if (typeof event.data === "string" && messages.length < 100) {
          messages.push(event.data);
        }
      };
    } catch (e) {
      channel = null;
    }
    function close() {
      if (channel) {
        channel.close();
        channel = null;
      }
      return messages;
    }
    return request.then(
      function (result) {
        if (result) {
          result.messages = close;
        } else {
          close();
        }
        return result;
      },
      function () {
        close();
        return null;
      }
    );
  }

  // The restore refresh, under the SDK's lock.
  function restore(config, tokenKey, timeout) {
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

  // The code exchange of the callback (the SDK does not lock it either).
  function exchange(config, tokenKey, timeout) {
    var code = new URLSearchParams(location.search).get("code");
    var verifier = sessionStorage.getItem("workos:code-verifier:" + config.client_id);
    if (code === null || !verifier) {
      return Promise.resolve(null);
    }
    var body = {
      client_id: config.client_id,
      code: code,
      code_verifier: verifier,
      grant_type: "authorization_code",
    };
    return post(config, body, tokenKey, timeout).then(function (result) {
      if (result) {
        result.code = code;
        result.release = function () {};
      }
      return result;
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
    return post(config, body, tokenKey, timeout);
  }

  // POST /user_management/authenticate as the SDK sends it (same headers, same body, credentials
  // only in cookie mode); the answer names its grant.
  function post(config, body, tokenKey, timeout) {
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
            dev_mode: !!config.dev_mode,
            grant: body.grant_type,
            status: response.status,
            retry_after: response.headers.get("retry-after"),
            received_at_ms: receivedAt,
            body: response.ok ? withoutRefreshToken(text, config.dev_mode, tokenKey) : text,
          };
        });
      })
      .catch(function (error) {
        // No answer: the SDK takes it as its own request's failure (a timeout or a network
        // error, both transient), so a stalled restore shows "reconnecting" after one timeout.
        return {
          client_id: config.client_id,
          base_url: config.base_url,
          dev_mode: !!config.dev_mode,
          grant: body.grant_type,
          status: 0,
          failure: error && error.name === "TimeoutError" ? "timeout" : "network",
          message: String((error && error.message) || error),
          retry_after: null,
          received_at_ms: Date.now(),
          body: "",
        };
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
