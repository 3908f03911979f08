//! Switches the session to another organization (same session, new token claims).

use authkit_yew::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::config::KNOWN_ORGANIZATIONS;

/// Properties of [`OrgSwitcher`].
#[derive(Properties, PartialEq)]
pub struct OrgSwitcherProps {
    /// Receives the error when the switch fails.
    pub on_error: Callback<Option<AuthKitError>>,
}

/// The first known organization that is not `current`.
fn other_than(current: Option<&String>) -> String {
    KNOWN_ORGANIZATIONS
        .iter()
        .map(|(id, _)| (*id).to_owned())
        .find(|id| Some(id) != current)
        .unwrap_or_default()
}

/// A picker of known organizations, a field for any other id, and a Switch button.
#[function_component(OrgSwitcher)]
pub fn org_switcher(props: &OrgSwitcherProps) -> Html {
    let auth = use_auth();
    let handle = auth.handle();
    let current = auth.organization_id.clone();
    let selected = use_state(|| other_than(current.as_ref()));
    let typed = use_state(String::new);
    let busy = use_state(|| false);

    let onchange = {
        let selected = selected.clone();
        Callback::from(move |e: Event| {
            selected.set(e.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            typed.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onclick = {
        let (selected, typed, busy) = (selected.clone(), typed.clone(), busy.clone());
        let on_error = props.on_error.clone();
        Callback::from(move |_| {
            let target = if typed.trim().is_empty() {
                (*selected).clone()
            } else {
                typed.trim().to_owned()
            };
            let (handle, busy, on_error) = (handle.clone(), busy.clone(), on_error.clone());
            let (selected, typed) = (selected.clone(), typed.clone());
            busy.set(true);
            on_error.emit(None);
            spawn_local(async move {
                let result = handle
                    .switch_to_organization(&target, SignInOptions::default())
                    .await;
                busy.set(false);
                match result {
                    // Ready for the next switch: another organization picked, the field cleared.
                    Ok(()) => {
                        selected.set(other_than(Some(&target)));
                        typed.set(String::new());
                    }
                    Err(err) => on_error.emit(Some(err)),
                }
            });
        })
    };
    html! {
        <section class="card">
            <h3>{ "Organization" }</h3>
            <div class="row">
                <select id="org-switcher" {onchange} aria-label="Organization">
                    { for KNOWN_ORGANIZATIONS.iter().map(|(id, name)| {
                        let here = Some(*id) == current.as_deref();
                        html! {
                            <option value={*id} selected={*id == selected.as_str()}>
                                { if here { format!("{name} (current)") } else { (*name).to_owned() } }
                            </option>
                        }
                    }) }
                </select>
                <input id="org-input" type="text" placeholder="or type an org_… id"
                    value={(*typed).clone()} {oninput} />
                <button id="switch-org" {onclick} disabled={*busy}>
                    { if *busy { "Switching…" } else { "Switch" } }
                </button>
            </div>
        </section>
    }
}
