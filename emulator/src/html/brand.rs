//! A client's colours for the hosted pages: the primary colour from the seed, plus the colours
//! derived from it so that text stays readable (WCAG contrast of at least 4.5:1).

/// The colour used when the seed names none (an indigo with white text at 6.3:1).
pub const DEFAULT_PRIMARY: (u8, u8, u8) = (0x4f, 0x46, 0xe5);

/// The hosted pages' colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Brand {
    primary: (u8, u8, u8),
}

impl Default for Brand {
    fn default() -> Self {
        Self {
            primary: DEFAULT_PRIMARY,
        }
    }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Relative luminance (WCAG 2.x).
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG contrast ratio of two colours (1 to 21).
///
/// ```
/// use authkit_emulator::html::brand::contrast;
/// assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
/// ```
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

impl Brand {
    /// `#rgb` or `#rrggbb`; `None` for anything else.
    ///
    /// ```
    /// use authkit_emulator::html::brand::Brand;
    /// assert_eq!(Brand::from_hex("#0A8").unwrap().primary(), "#00aa88");
    /// assert!(Brand::from_hex("teal").is_none());
    /// ```
    pub fn from_hex(s: &str) -> Option<Self> {
        let digits = s.strip_prefix('#')?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = |h: &str| u8::from_str_radix(h, 16).ok();
        let primary = match digits.len() {
            3 => {
                let d: Vec<u8> = digits
                    .chars()
                    .map(|c| v(&c.to_string()).map(|x| x * 17))
                    .collect::<Option<_>>()?;
                (d[0], d[1], d[2])
            }
            6 => (v(&digits[0..2])?, v(&digits[2..4])?, v(&digits[4..6])?),
            _ => return None,
        };
        Some(Self { primary })
    }

    /// The primary colour, `#rrggbb`.
    pub fn primary(&self) -> String {
        hex(self.primary)
    }

    /// Text on the primary colour: white or near-black, whichever contrasts more.
    pub fn on_primary(&self) -> String {
        let (white, ink) = ((255, 255, 255), (17, 17, 17));
        if contrast(self.primary, white) >= contrast(self.primary, ink) {
            hex(white)
        } else {
            hex(ink)
        }
    }

    /// The primary colour as text (links) on the white card: the primary itself, darkened
    /// step by step until it reaches 4.5:1.
    pub fn text_on_white(&self) -> String {
        let mut c = self.primary;
        while contrast(c, (255, 255, 255)) < 4.5 {
            c = (
                (f64::from(c.0) * 0.9) as u8,
                (f64::from(c.1) * 0.9) as u8,
                (f64::from(c.2) * 0.9) as u8,
            );
        }
        hex(c)
    }

    /// The CSS custom properties the stylesheet reads.
    pub fn css_vars(&self) -> String {
        format!(
            ":root{{--primary:{};--on-primary:{};--primary-text:{}}}",
            self.primary(),
            self.on_primary(),
            self.text_on_white()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(s: &str) -> (u8, u8, u8) {
        let b = Brand::from_hex(s).unwrap();
        b.primary
    }

    #[test]
    fn text_colours_stay_readable_whatever_the_primary() {
        for primary in ["#ffff00", "#4f46e5", "#000", "#fff", "#22c55e", "#e11d48"] {
            let b = Brand::from_hex(primary).unwrap();
            let on = rgb(&b.on_primary());
            let text = rgb(&b.text_on_white());
            assert!(
                contrast(b.primary, on) >= 4.5,
                "{primary}: button text {}",
                b.on_primary()
            );
            assert!(contrast(text, (255, 255, 255)) >= 4.5, "{primary}: links");
        }
        assert_eq!(Brand::from_hex("#ffff00").unwrap().on_primary(), "#111111");
        assert_eq!(Brand::default().on_primary(), "#ffffff");
    }

    #[test]
    fn only_hex_colours_parse() {
        for bad in ["", "#", "#12", "#1234", "#gggggg", "4f46e5", "#4f46e5ff"] {
            assert!(Brand::from_hex(bad).is_none(), "{bad}");
        }
    }
}
