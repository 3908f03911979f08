//! Bad numbers never take the emulator down (issue 11, item 4). Property tests throw arbitrary
//! numbers at every numeric input — the control API (clock, config, rate limits, faults), the
//! seed's settings and the command-line flags — and check that each is either accepted or
//! refused with a clear 400 / start-up error, and that a normal sign-in still works afterwards.

mod common;

use authkit_emulator::cli::Cli;
use authkit_emulator::seed::Seed;
use authkit_emulator::Emulator;
use clap::Parser;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

/// A JSON number of any kind: small, huge, negative, beyond `i64`, fractional, exponent.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-10i64..100_000).prop_map(Value::from),
        (-1e20f64..1e20).prop_map(|f| json!(f)),
        Just(json!(9e15)),
        Just(json!(9_000_000_000_000_000i64)),
        Just(json!(i64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(u64::MAX)),
        Just(json!(0)),
        Just(json!(-1)),
    ]
}

/// The numeric inputs of the control API.
#[derive(Debug, Clone)]
struct ControlNumbers {
    offset: Value,
    advance: Value,
    settings: Vec<(&'static str, Value)>,
    rate_limit: (Value, Value),
    fault: Vec<(&'static str, Value)>,
}

fn control_numbers() -> impl Strategy<Value = ControlNumbers> {
    let settings = [
        "access_token_ttl_secs",
        "refresh_grace_secs",
        "code_ttl_secs",
        "session_lifetime_secs",
        "inactivity_timeout_secs",
    ];
    let fault = ["status", "delay_ms", "count"];
    (
        number(),
        number(),
        proptest::collection::vec(number(), settings.len()),
        (number(), number()),
        proptest::collection::vec(number(), fault.len()),
    )
        .prop_map(move |(offset, advance, s, rate_limit, f)| ControlNumbers {
            offset,
            advance,
            settings: settings.into_iter().zip(s).collect(),
            rate_limit,
            fault: fault.into_iter().zip(f).collect(),
        })
}

/// A control call must be accepted or refused with a 400 that names what is wrong.
async fn accepted_or_refused(emu: &Emu, path: &str, body: Value) -> bool {
    let (status, answer) = emu.control_status(path, body.clone()).await;
    match status {
        200 => true,
        400 => {
            assert!(
                answer["error"].is_string()
                    && answer["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{path} {body}: a 400 without a message: {answer}"
            );
            false
        }
        other => panic!("{path} {body}: answered {other}: {answer}"),
    }
}

/// Sign-in steps with whatever settings are in place: every answer is a real answer (no 5xx,
/// no dropped connection); a short code or session lifetime may legitimately refuse the code
/// or the refresh.
async fn sign_in_tolerantly(emu: &Emu) {
    let p = pkce();
    let page = emu.begin(&[], &p).await;
    let rid = query_param(&page, "rid").unwrap();
    let r = emu
        .post_form(
            &page,
            &[("rid", &rid), ("email", SOLO.0), ("password", SOLO.1)],
        )
        .await;
    assert_eq!(r.status(), 302, "the hosted form");
    let code = query_param(&location(r.headers()), "code").unwrap();
    let r = emu.exchange(&code, &p.verifier).await;
    assert!(r.status().as_u16() < 500, "exchange: {}", r.status());
    if r.status() != 200 {
        return;
    }
    let body: Value = r.json().await.unwrap();
    let r = emu
        .refresh(body["refresh_token"].as_str().unwrap(), None)
        .await;
    assert!(r.status().as_u16() < 500, "refresh: {}", r.status());
    let r = emu.get("/sso/jwks/client_demo").await;
    assert!(r.status().as_u16() < 500);
}

#[test]
fn arbitrary_numbers_through_the_control_api_never_break_a_sign_in() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(start());
    let mut runner = TestRunner::new(Config {
        cases: 32,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&control_numbers(), |n| {
            rt.block_on(async {
                accepted_or_refused(&emu, "/_emulator/clock", json!({"offset_secs": n.offset}))
                    .await;
                accepted_or_refused(&emu, "/_emulator/clock", json!({"advance_secs": n.advance}))
                    .await;
                for (key, value) in &n.settings {
                    accepted_or_refused(&emu, "/_emulator/config", json!({ *key: value })).await;
                }
                let (limit, window) = &n.rate_limit;
                accepted_or_refused(
                    &emu,
                    "/_emulator/config",
                    json!({"rate_limits": {"GET /sso/jwks/client_demo":
                        {"limit": limit, "window_secs": window}}}),
                )
                .await;
                let mut fault = json!({"method": "GET", "path": "/_property/unmatched"});
                for (key, value) in &n.fault {
                    fault[*key] = value.clone();
                }
                accepted_or_refused(&emu, "/_emulator/faults", fault).await;

                sign_in_tolerantly(&emu).await;
                // Only what can legitimately stop a sign-in goes back to normal; the clock
                // offset, token lifetime and grace window stay as thrown.
                emu.control(
                    "/_emulator/config",
                    json!({"code_ttl_secs": 600, "session_lifetime_secs": 2_592_000,
                           "inactivity_timeout_secs": 0, "rate_limits": {}}),
                )
                .await;
                emu.delete("/_emulator/faults").await;
                emu.sign_in_and_refresh(SOLO, None).await;
            });
            Ok(())
        })
        .unwrap();
}

/// A TOML number: mostly one inside the usual ranges (so that many cases start), else an
/// integer of any size TOML allows, a float, or an edge.
fn toml_number() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => (0i64..=86_400).prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => (-1e20f64..1e20).prop_map(|f| format!("{f:e}")),
        1 => prop_oneof![Just("-1"), Just("9223372036854775807")].prop_map(str::to_string),
    ]
}

#[derive(Debug, Clone)]
struct StartNumbers {
    seed: Vec<(&'static str, String)>,
    rate_limit: Option<(String, String)>,
    flags: Vec<(&'static str, String)>,
}

fn start_numbers() -> impl Strategy<Value = StartNumbers> {
    let keys = [
        "access_token_ttl_secs",
        "refresh_grace_secs",
        "code_ttl_secs",
        "session_lifetime_secs",
        "inactivity_timeout_secs",
    ];
    let flags = ["--access-token-ttl", "--refresh-grace", "--read-timeout"];
    let flag_value = prop_oneof![
        10 => (0i64..=3600).prop_map(|n| n.to_string()),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => prop_oneof![Just("1e9"), Just("99999999999999999999"), Just("-1")].prop_map(str::to_string),
    ];
    (
        proptest::collection::vec(proptest::option::of(toml_number()), keys.len()),
        proptest::option::of((toml_number(), toml_number())),
        proptest::collection::vec(proptest::option::of(flag_value), flags.len()),
    )
        .prop_map(move |(seed, rate_limit, f)| StartNumbers {
            seed: keys
                .into_iter()
                .zip(seed)
                .filter_map(|(k, v)| Some((k, v?)))
                .collect(),
            rate_limit,
            flags: flags
                .into_iter()
                .zip(f)
                .filter_map(|(k, v)| Some((k, v?)))
                .collect(),
        })
}

fn seed_text(n: &StartNumbers) -> String {
    let mut settings: String = n.seed.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
    if let Some((limit, window)) = &n.rate_limit {
        settings.push_str(&format!(
            "[settings.rate_limits]\n\"GET /sso/jwks/client_demo\" = {{ limit = {limit}, window_secs = {window} }}\n"
        ));
    }
    let default = authkit_emulator::seed::DEFAULT_SEED;
    let rest = &default[default.find("[[clients]]").unwrap()..];
    format!("[settings]\n{settings}\n{rest}")
}

#[test]
fn arbitrary_numbers_in_the_seed_and_flags_start_or_are_refused() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // One data dir for every case: the signing key and hashed users are made once.
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 32,
        failure_persistence: None,
        ..Config::default()
    });
    let (started, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner
        .run(&start_numbers(), |n| {
            let seed = match Seed::parse(&seed_text(&n)) {
                Ok(seed) => seed,
                Err(e) => {
                    assert!(
                        e.to_string().contains("must be") || e.to_string().contains("TOML"),
                        "{e}"
                    );
                    refused.set(refused.get() + 1);
                    return Ok(());
                }
            };
            let mut args = vec![
                "authkit-emulator".to_string(),
                "--host".into(),
                "127.0.0.1".into(),
                "--port".into(),
                "0".into(),
                "--data-dir".into(),
                dir.path().display().to_string(),
            ];
            for (flag, value) in &n.flags {
                args.push(format!("{flag}={value}"));
            }
            let cli = match Cli::try_parse_from(&args) {
                Ok(cli) => cli,
                Err(e) => {
                    assert_eq!(e.exit_code(), 2, "{e}");
                    refused.set(refused.get() + 1);
                    return Ok(());
                }
            };
            rt.block_on(async {
                let emu = match Emulator::start(cli.options(Some(seed))).await {
                    Ok(emu) => emu,
                    Err(e) => panic!("flags and seed were accepted, the start was not: {e}"),
                };
                started.set(started.get() + 1);
                let base = emu.base_url().to_string();
                let emu = Emu {
                    emu,
                    base,
                    http: reqwest::Client::builder()
                        .redirect(reqwest::redirect::Policy::none())
                        .build()
                        .unwrap(),
                };
                sign_in_tolerantly(&emu).await;
                emu.control(
                    "/_emulator/config",
                    json!({"code_ttl_secs": 600, "session_lifetime_secs": 2_592_000,
                           "inactivity_timeout_secs": 0}),
                )
                .await;
                emu.sign_in_and_refresh(SOLO, None).await;
                emu.emu.shutdown().await;
            });
            Ok(())
        })
        .unwrap();
    eprintln!("started {} refused {}", started.get(), refused.get());
    // Both outcomes were exercised (a vacuous run would prove nothing).
    assert!(
        started.get() > 0 && refused.get() > 0,
        "started {} refused {}",
        started.get(),
        refused.get()
    );
}
