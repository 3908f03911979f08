//! The user card: picture, name, email, and the impersonation banner.

use authkit_yew::prelude::*;
use yew::prelude::*;

/// Properties of [`UserCard`].
#[derive(Properties, PartialEq)]
pub struct UserCardProps {
    /// The signed-in user (from `use_user`).
    pub user: User,
    /// Who is impersonating the user, if anyone.
    #[prop_or_default]
    pub impersonator: Option<Impersonator>,
}

/// Shows who is signed in.
#[function_component(UserCard)]
pub fn user_card(props: &UserCardProps) -> Html {
    let user = &props.user;
    let initials: String = user
        .display_name()
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    html! {
        <section class="card user">
            if let Some(imp) = &props.impersonator {
                <div id="impersonation-banner" class="banner" role="status">
                    { format!("You are being impersonated by {}", imp.email) }
                    if let Some(reason) = &imp.reason {
                        { format!(" — reason: {reason}") }
                    }
                </div>
            }
            <div class="who">
                if let Some(url) = &user.profile_picture_url {
                    <img class="avatar" src={url.clone()} alt="" />
                } else {
                    <span class="avatar">{ initials }</span>
                }
                <div>
                    <h2 id="user-name">{ user.display_name() }</h2>
                    <p id="user-email" class="muted">{ &user.email }</p>
                </div>
            </div>
        </section>
    }
}
