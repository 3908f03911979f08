//! The seed: clients, organizations, users and memberships, from TOML (`emulator/seed.toml`
//! is the built-in default).

use serde::Deserialize;

use crate::pattern::{PatternError, UrlPattern};
use crate::settings::Settings;

/// The built-in seed (`emulator/seed.toml`).
pub const DEFAULT_SEED: &str = include_str!("../seed.toml");

/// The whole seed file.
///
/// ```
/// let seed = authkit_emulator::seed::Seed::parse(authkit_emulator::seed::DEFAULT_SEED).unwrap();
/// assert_eq!(seed.clients[0].id, "client_demo");
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Runtime settings (all optional).
    #[serde(default)]
    pub settings: Settings,
    /// Applications (at least one).
    pub clients: Vec<SeedClient>,
    /// Organizations.
    #[serde(default)]
    pub organizations: Vec<SeedOrganization>,
    /// Users.
    #[serde(default)]
    pub users: Vec<SeedUser>,
    /// Memberships of users in organizations.
    #[serde(default)]
    pub memberships: Vec<SeedMembership>,
}

/// An application (a WorkOS client id) and its dashboard configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedClient {
    /// `client_…`.
    pub id: String,
    /// Display name for the hosted pages.
    #[serde(default)]
    pub name: Option<String>,
    /// Allowed web origins (CORS), exact or loopback port wildcard.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Registered redirect URIs, exact or wildcard.
    pub redirect_uris: Vec<String>,
    /// Allowed sign-out redirects; the first one is the default.
    #[serde(default)]
    pub sign_out_redirects: Vec<String>,
    /// The app's sign-in endpoint (Initiate Login URL); exact URL.
    #[serde(default)]
    pub sign_in_endpoint: Option<String>,
    /// The hosted pages' primary colour (buttons, links, focus rings): `#rgb` or `#rrggbb`.
    #[serde(default)]
    pub primary_color: Option<String>,
}

/// An organization.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedOrganization {
    /// `org_…`.
    pub id: String,
    /// Name shown in the org picker.
    pub name: String,
    /// Enabled feature-flag slugs (token claim `feature_flags`).
    #[serde(default)]
    pub feature_flags: Vec<String>,
    /// Entitlements (token claim `entitlements`).
    #[serde(default)]
    pub entitlements: Vec<String>,
    /// `"sso"` or `"mfa"`: a refresh that switches into this organization fails with
    /// `sso_required` / `mfa_enrollment` (the hosted page, reached through authorize with
    /// `organization_id`, succeeds).
    #[serde(default)]
    pub requires: Option<crate::model::OrgPolicy>,
}

/// A user; the password is hashed with argon2 when loaded.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    /// `user_…`; generated when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Email (unique, case-insensitive).
    pub email: String,
    /// Plain password in the seed (hashed before it is stored).
    pub password: String,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Defaults to true.
    #[serde(default = "yes")]
    pub email_verified: bool,
    /// Optional avatar URL.
    #[serde(default)]
    pub profile_picture_url: Option<String>,
    /// Optional external id.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Enrol an authenticator-app (TOTP) factor with a new random secret when the user is
    /// first loaded; a password sign-in then asks for its code. The mailbox page shows the
    /// secret.
    #[serde(default)]
    pub totp: bool,
}

fn yes() -> bool {
    true
}

/// A membership: user (by email or id) in an organization (by id) with a role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMembership {
    /// User email or id.
    pub user: String,
    /// Organization id.
    pub organization: String,
    /// Role slug (claim `role`).
    pub role: String,
    /// All role slugs (claim `roles`); defaults to `[role]`.
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    /// Permission slugs (claim `permissions`).
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// A seed that failed to load.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// TOML syntax or shape.
    #[error("seed is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    /// A bad URL pattern.
    #[error("seed has a bad URL: {0}")]
    Pattern(#[from] PatternError),
    /// Something refers to nothing.
    #[error("seed is inconsistent: {0}")]
    Inconsistent(String),
    /// A setting outside its range.
    #[error("seed has an invalid setting: {0}")]
    Settings(#[from] crate::settings::SettingsError),
}

/// A client with its URL patterns parsed.
#[derive(Debug, Clone)]
pub struct Client {
    /// `client_…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Allowed origins.
    pub allowed_origins: Vec<UrlPattern>,
    /// Redirect URIs.
    pub redirect_uris: Vec<UrlPattern>,
    /// Sign-out redirects (first = default).
    pub sign_out_redirects: Vec<UrlPattern>,
    /// Sign-in endpoint.
    pub sign_in_endpoint: Option<url::Url>,
    /// The hosted pages' colours.
    pub brand: crate::html::brand::Brand,
}

impl Client {
    /// Whether `origin` is an allowed web origin of this client.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins
            .iter()
            .any(|p| p.matches_origin(origin))
    }

    /// Whether `uri` is a registered redirect URI.
    pub fn allows_redirect(&self, uri: &str) -> bool {
        self.redirect_uris.iter().any(|p| p.matches(uri))
    }

    /// Whether `origin` is the origin of an allowed origin or of a registered redirect URI.
    pub fn knows_app_origin(&self, origin: &str) -> bool {
        self.allows_origin(origin) || self.redirect_uris.iter().any(|p| p.matches_origin(origin))
    }

    /// The client as the control API shows it.
    pub fn to_json(&self) -> serde_json::Value {
        let strings =
            |v: &[UrlPattern]| v.iter().map(|p| p.as_str().to_string()).collect::<Vec<_>>();
        serde_json::json!({
            "id": self.id,
            "name": self.name,
            "allowed_origins": strings(&self.allowed_origins),
            "redirect_uris": strings(&self.redirect_uris),
            "sign_out_redirects": strings(&self.sign_out_redirects),
            "sign_in_endpoint": self.sign_in_endpoint.as_ref().map(url::Url::as_str),
            "primary_color": self.brand.primary(),
        })
    }
}

impl Seed {
    /// Parse and check a seed.
    pub fn parse(text: &str) -> Result<Self, SeedError> {
        let mut seed: Seed = toml::from_str(text)?;
        seed.settings = seed.settings.validate()?;
        if seed.clients.is_empty() {
            return Err(SeedError::Inconsistent("no [[clients]]".into()));
        }
        seed.clients()?;
        for m in &seed.memberships {
            if !seed.organizations.iter().any(|o| o.id == m.organization) {
                return Err(SeedError::Inconsistent(format!(
                    "membership names unknown organization {}",
                    m.organization
                )));
            }
            if !seed
                .users
                .iter()
                .any(|u| u.email.eq_ignore_ascii_case(&m.user) || u.id.as_deref() == Some(&m.user))
            {
                return Err(SeedError::Inconsistent(format!(
                    "membership names unknown user {}",
                    m.user
                )));
            }
        }
        Ok(seed)
    }

    /// The clients with parsed patterns.
    pub fn clients(&self) -> Result<Vec<Client>, SeedError> {
        self.clients
            .iter()
            .map(|c| {
                let parse = |v: &Vec<String>| {
                    v.iter()
                        .map(|s| UrlPattern::parse(s))
                        .collect::<Result<Vec<_>, _>>()
                };
                let sign_in_endpoint = match &c.sign_in_endpoint {
                    Some(s) => Some(url::Url::parse(s).map_err(|_| {
                        SeedError::Inconsistent(format!("sign_in_endpoint `{s}` is not a URL"))
                    })?),
                    None => None,
                };
                let brand = match &c.primary_color {
                    Some(hex) => crate::html::brand::Brand::from_hex(hex).ok_or_else(|| {
                        SeedError::Inconsistent(format!(
                            "primary_color `{hex}` of client {} must be a colour like #4f46e5 or #44e",
                            c.id
                        ))
                    })?,
                    None => crate::html::brand::Brand::default(),
                };
                Ok(Client {
                    brand,
                    id: c.id.clone(),
                    name: c.name.clone().unwrap_or_else(|| c.id.clone()),
                    allowed_origins: parse(&c.allowed_origins)?,
                    redirect_uris: parse(&c.redirect_uris)?,
                    sign_out_redirects: parse(&c.sign_out_redirects)?,
                    sign_in_endpoint,
                })
            })
            .collect()
    }
}
