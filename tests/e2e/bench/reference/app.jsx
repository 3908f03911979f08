// The reference of `cargo xtask bench`: a minimal authkit-react app, the counterpart of
// xtask/baseline/with-sdk (a counter, the provider, useAuth, a sign-in button, the user's
// email and getAccessToken). The bench bundles it with esbuild and defines the two constants
// below: the emulator's port and this page's redirect URI (`{origin}/account`, as the demo's).
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { AuthKitProvider, useAuth } from "@workos-inc/authkit-react";

const API_PORT = __AUTHKIT_API_PORT__;
const REDIRECT_URI = __AUTHKIT_REDIRECT_URI__;

let signedInMarked = false;

// The moment the bench times, as the SDK marks it: once, when the user is first rendered
// (here during that render, before React commits it; the SDK marks the state before Yew
// renders it).
function markSignedIn() {
  if (!signedInMarked) {
    signedInMarked = true;
    performance.mark("authkit:signed-in");
  }
}

function Counter() {
  const [count, setCount] = useState(0);
  return (
    <>
      <p id="count">count={count}</p>
      <button id="inc" onClick={() => setCount(count + 1)}>
        Increment
      </button>
    </>
  );
}

function Status() {
  const { isLoading, user, signIn } = useAuth();
  const status = isLoading ? "loading" : user ? "signed-in" : "signed-out";
  return (
    <>
      <p id="status">{status}</p>
      <button id="sign-in" onClick={() => signIn()}>
        Sign in
      </button>
    </>
  );
}

function Account() {
  const { isLoading, user, getAccessToken } = useAuth();
  const [tokenLength, setTokenLength] = useState(0);
  const shown = !isLoading && user;
  if (shown) {
    markSignedIn();
  }
  const getToken = () =>
    getAccessToken().then(
      (token) => setTokenLength(token.length),
      () => {},
    );
  return (
    <>
      <p id="user-email">{shown ? user.email : ""}</p>
      <button id="get-token" onClick={getToken}>
        Get token
      </button>
      <p id="token-len">{tokenLength}</p>
    </>
  );
}

function App() {
  return (
    <AuthKitProvider
      clientId="client_demo"
      apiHostname="localhost"
      https={false}
      port={API_PORT}
      redirectUri={REDIRECT_URI}
      devMode={true}
    >
      <main>
        <h1>Baseline</h1>
        <Counter />
        <Status />
        <Account />
      </main>
    </AuthKitProvider>
  );
}

createRoot(document.getElementById("root")).render(<App />);
