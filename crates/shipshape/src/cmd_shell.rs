//! `shipshape completions SHELL` and `shipshape man`: generated from the clap
//! definitions themselves, so they can never fall behind the commands.

use crate::EXIT_OK;
use anyhow::Context;
use clap::{Args, CommandFactory, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// A shell to complete for.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl From<Shell> for clap_complete::Shell {
    fn from(s: Shell) -> Self {
        match s {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
            Shell::Elvish => clap_complete::Shell::Elvish,
        }
    }
}

#[derive(Args)]
#[command(after_help = "Install:\n  \
    bash:       shipshape completions bash > ~/.local/share/bash-completion/completions/shipshape\n  \
    zsh:        shipshape completions zsh > \"${fpath[1]}/_shipshape\"\n  \
    fish:       shipshape completions fish > ~/.config/fish/completions/shipshape.fish\n  \
    powershell: shipshape completions powershell | Out-String | Invoke-Expression")]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// Write one page per command (shipshape.1, shipshape-scan.1, ...) into DIR
    /// instead of the main page to standard output.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Write the completion script for `shell` to `out`.
pub fn write_completions(shell: Shell, out: &mut dyn Write) {
    let mut cmd = crate::Cli::command();
    clap_complete::generate(
        clap_complete::Shell::from(shell),
        &mut cmd,
        "shipshape",
        out,
    );
}

pub fn completions(a: CompletionsArgs) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    write_completions(a.shell, &mut out);
    out.flush()?;
    Ok(EXIT_OK)
}

pub fn man(a: ManArgs) -> anyhow::Result<u8> {
    let cmd = crate::Cli::command();
    match a.dir {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(cmd, &dir)
                .with_context(|| format!("writing man pages into {}", dir.display()))?;
        }
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subcommand name, nested ones as `db update`.
    fn subcommands(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands() {
            let name = format!("{prefix}{}", sub.get_name());
            out.push(name.clone());
            subcommands(sub, &format!("{name} "), out);
        }
    }

    #[test]
    fn every_shell_completes_every_subcommand() {
        let mut names = Vec::new();
        subcommands(&crate::Cli::command(), "", &mut names);
        assert!(names.len() > 10, "{names:?}");
        for shell in Shell::value_variants() {
            let mut out = Vec::new();
            write_completions(*shell, &mut out);
            let text = String::from_utf8(out).unwrap();
            for name in &names {
                let last = name.rsplit(' ').next().unwrap();
                assert!(text.contains(last), "{shell:?} completions lack `{name}`");
            }
            // Options too, not only command names.
            assert!(text.contains("min-level"), "{shell:?} completes options");
        }
    }

    #[test]
    fn the_man_pages_cover_every_subcommand() {
        let mut page = Vec::new();
        clap_mangen::Man::new(crate::Cli::command())
            .render(&mut page)
            .unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.starts_with(".ie") || page.contains(".TH shipshape"),
            "roff"
        );
        let dir = std::env::temp_dir().join(format!("shipshape-man-{}", std::process::id()));
        man(ManArgs {
            dir: Some(dir.clone()),
        })
        .unwrap();
        let mut names = Vec::new();
        subcommands(&crate::Cli::command(), "", &mut names);
        for name in &names {
            let top = name.split(' ').next().unwrap();
            assert!(page.contains(top), "the main page names `{top}`");
            let file = dir.join(format!("shipshape-{}.1", name.replace(' ', "-")));
            assert!(file.is_file(), "no page {}", file.display());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
