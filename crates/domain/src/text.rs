//! Text folding shared by storage (portable `LIKE` on a folded column, since PostgreSQL's
//! `ILIKE` does not exist in SQLite) and search (the same folding as the index analyzer).

/// Lower-cases and strips the diacritics French and English text carries, precomposed ("é")
/// or decomposed ("e" + U+0301) alike, so that "Étoile", "ETOILE" and "etoile" compare
/// equal. Characters outside the table pass through lower-cased.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '’' | '‘' | 'ʼ' => out.push('\''),
            '‐' | '‑' | '–' | '—' => out.push('-'),
            // Combining diacritical marks, left by decomposed (NFD) input.
            '\u{0300}'..='\u{036f}' => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `text` holds a control character other than a line break or a tab: nothing a
/// person types, and a NUL is what PostgreSQL refuses to store.
pub fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern, so
/// user input is matched literally on both backends.
pub fn escape_like(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Étoile"), fold("etoile"));
        assert_eq!(fold("HÉBERGEMENT d’urgence"), "hebergement d'urgence");
        assert_eq!(fold("Cœur Québécois"), "coeur quebecois");
        assert_eq!(fold("Île-du-Prince-Édouard"), "ile-du-prince-edouard");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(escape_like("100%_sûr\\"), "100\\%\\_sûr\\\\");
        assert_eq!(escape_like("plain"), "plain");
    }
}
