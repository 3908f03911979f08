//! Form pieces shared by the hosted pages: labelled inputs with their error beside them
//! (`aria-invalid`, `aria-describedby`), buttons, banners and the hidden `rid`.

use super::esc;

/// One labelled input.
#[derive(Debug, Clone, Default)]
pub struct Input<'a> {
    name: &'a str,
    label: &'a str,
    kind: &'a str,
    value: &'a str,
    autocomplete: &'a str,
    hint: Option<&'a str>,
    error: Option<&'a str>,
    required: bool,
    readonly: bool,
    autofocus: bool,
    code: bool,
}

impl<'a> Input<'a> {
    /// An input `name` (also its id) of `kind` (`email`, `password`, `text`).
    pub fn new(name: &'a str, label: &'a str, kind: &'a str) -> Self {
        Self {
            name,
            label,
            kind,
            ..Self::default()
        }
    }

    /// A 6-digit one-time code (numeric keyboard, `autocomplete="one-time-code"`).
    pub fn code(name: &'a str, label: &'a str) -> Self {
        Self {
            code: true,
            required: true,
            autocomplete: "one-time-code",
            ..Self::new(name, label, "text")
        }
    }

    /// The first-name field (`given-name`), showing `value`.
    pub fn first_name(value: &'a str) -> Self {
        Self::new("first_name", "First name", "text")
            .value(value)
            .autocomplete("given-name")
    }

    /// The last-name field (`family-name`), showing `value`.
    pub fn last_name(value: &'a str) -> Self {
        Self::new("last_name", "Last name", "text")
            .value(value)
            .autocomplete("family-name")
    }

    /// A new password labelled `label` (sign-up, reset): `new-password`, required, with the
    /// length rule as its hint.
    pub fn new_password(label: &'a str) -> Self {
        Self::new("password", label, "password")
            .autocomplete("new-password")
            .hint("8 characters or more.")
            .required()
    }

    /// The value shown.
    pub fn value(mut self, v: &'a str) -> Self {
        self.value = v;
        self
    }

    /// The `autocomplete` token.
    pub fn autocomplete(mut self, v: &'a str) -> Self {
        self.autocomplete = v;
        self
    }

    /// A hint under the input.
    pub fn hint(mut self, v: &'a str) -> Self {
        self.hint = Some(v);
        self
    }

    /// The error beside the input (it also takes the focus).
    pub fn error(mut self, v: Option<&'a str>) -> Self {
        self.error = v;
        self
    }

    /// Required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Read-only (a fixed email).
    pub fn readonly(mut self, yes: bool) -> Self {
        self.readonly = yes;
        self
    }

    /// Focus it when the page opens.
    pub fn autofocus(mut self, yes: bool) -> Self {
        self.autofocus = yes;
        self
    }

    /// The HTML.
    pub fn render(&self) -> String {
        let id = esc(self.name);
        let mut described = Vec::new();
        let hint = self
            .hint
            .map(|h| {
                described.push(format!("{id}-hint"));
                format!("<span class=\"hint\" id=\"{id}-hint\">{}</span>", esc(h))
            })
            .unwrap_or_default();
        let error = self
            .error
            .map(|e| {
                described.push(format!("{id}-error"));
                format!("<p class=\"field-error\" id=\"{id}-error\">{}</p>", esc(e))
            })
            .unwrap_or_default();
        let mut attrs = String::new();
        if !self.autocomplete.is_empty() {
            attrs.push_str(&format!(" autocomplete=\"{}\"", esc(self.autocomplete)));
        }
        if self.required {
            attrs.push_str(" required");
        }
        if self.readonly {
            attrs.push_str(" readonly");
        }
        if self.autofocus || self.error.is_some() {
            attrs.push_str(" autofocus");
        }
        if self.code {
            attrs.push_str(
                " class=\"code\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" maxlength=\"6\" spellcheck=\"false\"",
            );
        }
        if self.error.is_some() {
            attrs.push_str(" aria-invalid=\"true\"");
        }
        if !described.is_empty() {
            attrs.push_str(&format!(" aria-describedby=\"{}\"", described.join(" ")));
        }
        format!(
            "<div class=\"field\"><label for=\"{id}\">{label}</label>\
<input id=\"{id}\" name=\"{id}\" type=\"{kind}\" value=\"{value}\"{attrs}>{hint}{error}</div>",
            label = esc(self.label),
            kind = esc(self.kind),
            value = esc(self.value),
        )
    }
}

/// The hidden `rid` input.
pub fn rid_input(rid: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"rid\" value=\"{}\">",
        esc(rid)
    )
}

/// A submit button: `class` is `primary`, `secondary` or `quiet`; `intent` names the action
/// when a form has several (`name="intent"`).
pub fn submit(id: &str, class: &str, label: &str, intent: Option<&str>) -> String {
    let intent = intent
        .map(|i| format!(" name=\"intent\" value=\"{}\" formnovalidate", esc(i)))
        .unwrap_or_default();
    format!(
        "<button id=\"{}\" class=\"button {}\" type=\"submit\"{intent}>{}</button>",
        esc(id),
        esc(class),
        esc(label)
    )
}

/// A form-level error (`#error`, announced at once) or nothing.
pub fn error_banner(message: Option<&str>) -> String {
    message
        .map(|m| {
            format!(
                "<div class=\"banner error\" id=\"error\" role=\"alert\">{}</div>",
                esc(m)
            )
        })
        .unwrap_or_default()
}

/// An informational banner (`#notice`, a polite live region) or nothing.
pub fn info_banner(message: Option<&str>) -> String {
    message
        .map(|m| {
            format!(
                "<div class=\"banner info\" id=\"notice\" role=\"status\">{}</div>",
                esc(m)
            )
        })
        .unwrap_or_default()
}

/// The Cancel form: back to the app with `error=access_denied`.
pub fn cancel_form(action: &str, rid: &str, app: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{action}\" novalidate>{rid}\
<button id=\"cancel\" class=\"button quiet\" name=\"cancel\" value=\"1\" type=\"submit\" formnovalidate>Cancel and return to {app}</button></form>",
        action = esc(action),
        rid = rid_input(rid),
        app = esc(app),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_sits_beside_its_field_and_is_announced_with_it() {
        let html = Input::new("email", "Email", "email")
            .value("a\"b")
            .error(Some("Enter a valid email address."))
            .render();
        assert!(html.contains("<label for=\"email\">Email</label>"));
        assert!(html.contains("value=\"a&quot;b\""));
        assert!(html.contains("aria-invalid=\"true\""));
        assert!(html.contains("aria-describedby=\"email-error\""));
        assert!(html.contains("id=\"email-error\">Enter a valid email address.</p>"));
        assert!(
            html.contains(" autofocus"),
            "the invalid field takes the focus"
        );
        let fine = Input::new("email", "Email", "email").render();
        assert!(!fine.contains("aria-invalid") && !fine.contains("autofocus"));
    }
}
