//! The command line's own help, in the configured language: clap writes it in English, so
//! every text (about lines, option help, headings) is replaced from the Fluent files.

use clap::{Arg, ArgAction, Command};
use mosaique_web::i18n::Tr;

/// The command tree with its help texts translated.
pub fn localize(command: Command, tr: &Tr) -> Command {
    localize_level(command, tr, "")
}

fn localize_level(command: Command, tr: &Tr, path: &str) -> Command {
    let key = if path.is_empty() {
        "cli-about".to_owned()
    } else {
        format!("cli-about-{path}")
    };
    let options = tr.t("cli-heading-options");
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    let mut command = command
        .about(tr.t(&key))
        .help_template(format!(
            "{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}",
            tr.t("cli-usage-heading")
        ))
        .subcommand_help_heading(tr.t("cli-heading-commands"))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(tr.t("cli-arg-help")),
        );
    if path.is_empty() {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(tr.t("cli-arg-version")),
        );
    }
    for id in ids {
        let help = tr.t(&format!("cli-arg-{id}"));
        let options = options.clone();
        command = command.mut_arg(id, move |arg| arg.help(help).help_heading(options));
    }
    command = command.mut_arg("help", |arg| arg.help_heading(options.clone()));
    if path.is_empty() {
        command = command.mut_arg("version", |arg| arg.help_heading(options.clone()));
    }
    for sub in subcommands {
        let sub_path = if path.is_empty() {
            sub.clone()
        } else {
            format!("{path}-{sub}")
        };
        command = command.mut_subcommand(sub, |s| localize_level(s, tr, &sub_path));
    }
    command
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use mosaique_domain::Language;

    use super::*;

    /// Every command's about line and every option's help exist in both languages: a
    /// missing message would print its key (`cli-arg-…`) in the help.
    #[test]
    fn every_command_and_option_is_described_in_both_languages() {
        fn keys(command: &Command, path: &str, out: &mut Vec<String>) {
            out.push(if path.is_empty() {
                "cli-about".to_owned()
            } else {
                format!("cli-about-{path}")
            });
            out.extend(
                command
                    .get_arguments()
                    .map(|a| format!("cli-arg-{}", a.get_id())),
            );
            for sub in command.get_subcommands() {
                let sub_path = if path.is_empty() {
                    sub.get_name().to_owned()
                } else {
                    format!("{path}-{}", sub.get_name())
                };
                keys(sub, &sub_path, out);
            }
        }
        let mut all = Vec::new();
        keys(&crate::Cli::command(), "", &mut all);
        assert!(all.len() > 40, "only {} keys", all.len());
        for language in [Language::Fr, Language::En] {
            let tr = Tr::new(language);
            let missing: Vec<&String> = all.iter().filter(|k| tr.t(k) == **k).collect();
            assert!(missing.is_empty(), "{language:?} lacks {missing:?}");
        }
    }
}
