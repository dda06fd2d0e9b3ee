//! `rollback/reversible-migrations`: every database migration can be undone.

use crate::checks::delivery::gha::is_production_path;
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_facts::FileKind;
use shipshape_facts::signals::SignalKind;
use shipshape_model::{Area, Finding, Location, Severity};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "rollback/reversible-migrations",
        title: "Database migrations are reversible",
        area: Area::Rollback,
        severity: Severity::High,
        kinds: &[],
        scope: shipshape_model::Scope::Unit,
        applies_to: "units with database migrations",
        rationale: "Rolling back code that ran a schema migration usually needs the schema rolled back too. Without a down migration the rollback becomes a hand-written SQL session during the incident.",
        evaluation: "Reads the unit's migration files (migrations/, migrate/, db/migrate/, alembic/versions/, Liquibase changelogs; test fixtures and examples/ excluded) and applies each tool's rule: `*.up.sql` needs a sibling `*.down.sql` (sqlx, golang-migrate; for pop's dialect files `V_x.mysql.up.sql` the dialect-less `V_x.down.sql` also undoes it); diesel's `up.sql` needs a non-empty `down.sql` in its directory; goose and dbmate SQL files need a `-- +goose Down`/`-- migrate:down` section with a statement; Flyway `V<n>__*.sql` needs an undo script `U<n>__*.sql`; other plain `*.sql` migrations (sqlx single-file) have no way back; Alembic revisions need a `downgrade()` that does more than `pass`; Django migrations fail on `RunPython`/`RunSQL` without a reverse; Rails migrations need `change` or `down` and must not raise `IrreversibleMigration`; Ecto migrations (`.exs`) need `change` or a `down` that does not raise; Laravel, Doctrine and Phinx migrations need a `down()`, with a body when `up()` changes the schema (`Schema::`, Phinx's `$this->table(`), that does not only refuse (`throw`, Doctrine's `SkipMigration`, `throwIrreversibleMigrationException()`, `skipIf(true, …)`), or Phinx's `change()`; Knex/TypeORM/Sequelize/node-pg-migrate files need a `down` function; goose Go migrations must not register a `nil` down; Liquibase changelogs with raw `sql`/`sqlFile` changes need `rollback`; EF Core and FluentMigrator C# migrations (`: Migration` classes in a `Migrations/` directory; designer files and the model snapshot excluded) need a `Down` method that does something other than throw. Go code that keeps its migrations as a list of up functions (a slice or array literal of `func(tx *sql.Tx) error`, as miniflux does) fails: such a list has no down migrations; xormigrate and gormigrate `Migration{…}` literals need a `Rollback` function that does something (not an empty body or only `return nil`). Prisma (`migration.sql` under prisma/migrations) has no down migrations: warns unless a document describes the rollback (`migrate diff`/`migrate resolve`). One finding per irreversible migration at its file (and line where there is one). `n/a` without migrations.",
        remediation: "Write the down migration next to each up migration (and test it in CI by migrating down and up again), or document why a migration is forward-only and how to recover (restore, expand-and-contract).",
        references: &[
            "https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md",
            "https://alembic.sqlalchemy.org/en/latest/tutorial.html#create-a-migration-script",
            "https://guides.rubyonrails.org/active_record_migrations.html#using-reversible",
        ],
    },
    run,
};

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("constant regex"))
}

fn sql_statements(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with("--") && !t.starts_with("/*") && !t.starts_with('*')
    })
}

/// The text after a section marker, up to the next marker of the same tool.
fn section_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let at = text.find(marker)?;
    Some(&text[at + marker.len()..])
}

/// The lines of a PHP method body that are code: not blank, not `//`, `#` or `/* */`
/// comment lines.
fn php_code_lines(body: &str) -> Vec<&str> {
    body.lines()
        .map(str::trim)
        .filter(|l| {
            !(l.is_empty()
                || l.starts_with("//")
                || l.starts_with('*')
                || l.starts_with("/*")
                || l.starts_with('#'))
        })
        .collect()
}

/// A command in an Ecto `change` that Ecto cannot run backwards, with its line:
/// `remove(:col)` without the column's type (teslamate's `drop_consumption_columns`),
/// `modify(:col, :type)` without `from:`, and `execute` given only the forward SQL.
/// Elixir's own comments are skipped; the arguments are read from the command's line.
fn ecto_irreversible_in_change(text: &str) -> Option<(String, u32)> {
    let (at, body) = ecto_function(text, "def change")?;
    let start_line = text[..at].matches('\n').count();
    for (i, line) in body.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('#') {
            continue;
        }
        for cmd in ["remove", "modify", "execute"] {
            let Some(rest) = t.strip_prefix(cmd) else {
                continue;
            };
            if !(rest.starts_with('(') || rest.starts_with(' ')) {
                continue;
            }
            let args = rest
                .trim()
                .trim_start_matches('(')
                .trim_end()
                .trim_end_matches(')');
            // Heredocs and multi-line calls are not read: no verdict on them.
            if args.is_empty() || args.ends_with(',') || args.contains("\"\"\"") {
                continue;
            }
            // `remove` needs the column's type, `execute` the SQL back, `modify` `from:`.
            let irreversible = match cmd {
                "modify" => !args.contains("from:"),
                _ => top_level_args(args) < 2,
            };
            if irreversible {
                let shown: String = t.chars().take(60).collect();
                return Some((format!("`{shown}`"), (start_line + i + 1) as u32));
            }
        }
    }
    None
}

/// An Ecto migration function (`def change`, `def down`): where it starts and its text,
/// up to the next `def` of the module.
fn ecto_function<'a>(text: &'a str, def: &str) -> Option<(usize, &'a str)> {
    let at = text.find(def)?;
    let body = &text[at..];
    Some((at, body.find("\n  def ").map_or(body, |end| &body[..end])))
}

/// How many comma-separated arguments `args` holds at the top level (brackets and
/// strings nest).
fn top_level_args(args: &str) -> usize {
    let (mut depth, mut quote, mut n) = (0i32, None::<char>, 1usize);
    for c in args.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => n += 1,
            _ => {}
        }
    }
    n
}

/// `(message, line)` when a migration file is irreversible; `None` when it is fine or not a migration.
/// The text between the first `{` of `text` and its matching `}` (a C-family method body).
fn method_body(text: &str) -> Option<&str> {
    let open = text.find('{')?;
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[open + 1..open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

fn judge(ctx: &Ctx, path: &str, text: &str) -> Option<(String, u32)> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let sibling = |n: &str| {
        if dir.is_empty() {
            n.to_string()
        } else {
            format!("{dir}/{n}")
        }
    };
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i as u32 + 1)
    };
    let flyway_undo = name.starts_with('u')
        && name[1..].starts_with(|c: char| c.is_ascii_digit())
        && name.contains("__");
    if name.ends_with(".down.sql") || name == "down.sql" || flyway_undo && name.ends_with(".sql") {
        return None;
    }
    if let Some(stem) = path.strip_suffix(".up.sql") {
        let down = format!("{stem}.down.sql");
        // gobuffalo/pop falls back from a dialect's file to the dialect-less one:
        // `V_name.mysql.up.sql` is undone by `V_name.down.sql` when there is no
        // `V_name.mysql.down.sql` (ory/kratos keeps 740 migrations so).
        let shared = stem
            .rsplit_once('.')
            .filter(|(_, dialect)| {
                matches!(
                    *dialect,
                    "mysql" | "postgres" | "cockroach" | "sqlite3" | "sqlite" | "mssql"
                )
            })
            .map(|(base, _)| format!("{base}.down.sql"));
        let undone = ctx.facts.exists(&down) || shared.is_some_and(|d| ctx.facts.exists(&d));
        return (!undone).then(|| (format!("no down migration `{down}`"), 0));
    }
    if name == "up.sql" {
        let down = sibling("down.sql");
        return match ctx.text(&down) {
            None if !ctx.facts.exists(&down) => Some((format!("no `{down}`"), 0)),
            Some(t) if !sql_statements(t) => Some((format!("`{down}` is empty"), 0)),
            _ => None,
        };
    }
    if name == "migration.sql" && lower.contains("prisma/") {
        return None; // judged once for the whole Prisma directory
    }
    if name.ends_with(".sql") {
        if text.contains("+goose Up") {
            return match section_after(text, "+goose Down") {
                Some(down) if sql_statements(down) => None,
                Some(_) => Some((
                    "`-- +goose Down` section is empty".into(),
                    line_of("+goose Down"),
                )),
                None => Some(("no `-- +goose Down` section".into(), line_of("+goose Up"))),
            };
        }
        if text.contains("migrate:up") {
            return match section_after(text, "migrate:down") {
                Some(down) if sql_statements(down) => None,
                Some(_) => Some((
                    "`-- migrate:down` section is empty".into(),
                    line_of("migrate:down"),
                )),
                None => Some(("no `-- migrate:down` section".into(), line_of("migrate:up"))),
            };
        }
        static FLYWAY: OnceLock<Regex> = OnceLock::new();
        if let Some(c) = re(&FLYWAY, r"^v([0-9._]+)__.+\.sql$").captures(name) {
            let version = &c[1];
            let undo = ctx.facts.files.iter().any(|f| {
                f.path.rsplit_once('/').map_or("", |(d, _)| d) == dir
                    && f.path.rsplit('/').next().is_some_and(|n| {
                        n.to_ascii_lowercase().starts_with(&format!("u{version}__"))
                    })
            });
            return (!undo).then(|| (format!("no Flyway undo script `U{version}__*.sql`"), 0));
        }
        if name.starts_with("r__") {
            return None; // Flyway repeatable migration: re-applied, not undone
        }
        return Some(("single-file SQL migration with no down migration".into(), 0));
    }
    if name.ends_with(".py") {
        if name == "__init__.py" {
            return None;
        }
        if text.contains("def upgrade") {
            let Some(body) = section_after(text, "def downgrade") else {
                return Some((
                    "Alembic revision has no `downgrade()`".into(),
                    line_of("def upgrade"),
                ));
            };
            let body: Vec<&str> = body
                .lines()
                .skip(1)
                .take_while(|l| l.trim().is_empty() || l.starts_with(' ') || l.starts_with('\t'))
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty()
                        && !l.starts_with('#')
                        && !l.starts_with("\"\"\"")
                        && !l.starts_with("'''")
                })
                .collect();
            let empty = body.is_empty() || body.iter().all(|l| *l == "pass" || *l == "...");
            return empty.then(|| {
                (
                    "`downgrade()` does nothing".into(),
                    line_of("def downgrade"),
                )
            });
        }
        if text.contains("migrations.Migration") {
            static RUN: OnceLock<Regex> = OnceLock::new();
            let run = re(
                &RUN,
                r"migrations\.Run(Python|SQL)\(([^()]*(?:\([^()]*\)[^()]*)*)\)",
            );
            for c in run.captures_iter(text) {
                let args = &c[2];
                let reversed = args.contains("reverse_code")
                    || args.contains("reverse_sql")
                    || args.split(',').filter(|a| !a.trim().is_empty()).count() >= 2;
                if !reversed {
                    let at = c.get(0).map_or(0, |m| m.start());
                    let line = text[..at].matches('\n').count() as u32 + 1;
                    return Some((format!("`Run{}` without a reverse", &c[1]), line));
                }
            }
            return None;
        }
        return None;
    }
    // Ecto (`priv/repo/migrations/*.exs`): `change` is reversed by Ecto; `up` needs a
    // `down`, and a `down` that raises undoes nothing (hexpm's `drop_package_reports`).
    if name.ends_with(".exs") {
        let has = |d: &str| {
            text.lines().any(|l| {
                let t = l.trim_start();
                t.starts_with(&format!("def {d} do")) || t.starts_with(&format!("def {d}() do"))
            })
        };
        if has("down") {
            let (_, body) = ecto_function(text, "def down").unwrap_or((0, text));
            if body.contains("raise ") || body.contains("raise(") {
                return Some((
                    "`down` raises: the migration cannot be rolled back".into(),
                    line_of("def down"),
                ));
            }
            return None;
        }
        if has("up") && !has("change") {
            return Some(("defines `up` without `down`".into(), line_of("def up")));
        }
        if has("change")
            && let Some((what, line)) = ecto_irreversible_in_change(text)
        {
            return Some((
                format!("`change` runs {what}, which Ecto cannot reverse"),
                line,
            ));
        }
        return None;
    }
    // Laravel and Phinx (`database/migrations/*.php`, `db/migrations/*.php`): an `up()`
    // needs a `down()` that does something (firefly-iii's empty `down()` bodies); Phinx's
    // `change()` is reversed by Phinx.
    if name.ends_with(".php") {
        if !text.contains("function up(") {
            return None;
        }
        let Some(down) = text.find("function down(") else {
            return Some((
                "defines `up()` without `down()`".into(),
                line_of("function up("),
            ));
        };
        let empty = method_body(&text[down..]).is_none_or(|b| php_code_lines(b).is_empty());
        // A data-only migration (rows updated through `DB::table`) with a deliberate no-op
        // `down()` leaves the schema as the old code expects (BookStack's
        // `ensure_editor_value_set`); a schema change with an empty `down()` does not.
        let up_at = text.find("function up(").unwrap_or(0);
        let schema_change = method_body(&text[up_at..]).is_some_and(|b| {
            b.contains("Schema::") || b.contains("$this->table(") || b.contains("->create(")
        });
        if empty && schema_change {
            return Some((
                "`down()` is empty though `up()` changes the schema: it undoes nothing".into(),
                line_of("function down("),
            ));
        }
        // A `down()` that only refuses: Doctrine's `throw new SkipMigration(…)`,
        // `$this->throwIrreversibleMigrationException()`, `$this->skipIf(true, …)` or
        // `abortIf(true, …)` (wallabag's complex schema changes), any `throw`.
        let refuses = method_body(&text[down..]).is_some_and(|b| {
            let code = php_code_lines(b);
            let first = code.first().map(|l| l.replace(' ', "")).unwrap_or_default();
            // One statement, and it refuses.
            code.concat().matches(';').count() == 1
                && (first.starts_with("throw")
                    || first.starts_with("$this->throwIrreversibleMigrationException(")
                    || first.starts_with("$this->skipIf(true")
                    || first.starts_with("$this->abortIf(true"))
        });
        if refuses {
            return Some((
                "`down()` only refuses (throws or skips): the migration cannot be reverted".into(),
                line_of("function down("),
            ));
        }
        return None;
    }
    if name.ends_with(".rb") {
        if text.contains("IrreversibleMigration") {
            return Some((
                "raises `ActiveRecord::IrreversibleMigration`".into(),
                line_of("IrreversibleMigration"),
            ));
        }
        let has = |d: &str| text.lines().any(|l| l.trim_start().starts_with(d));
        if has("def up") && !has("def down") && !has("def change") {
            return Some(("defines `up` without `down`".into(), line_of("def up")));
        }
        return None;
    }
    if [".js", ".ts", ".mjs", ".cjs"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        static UP: OnceLock<Regex> = OnceLock::new();
        static DOWN: OnceLock<Regex> = OnceLock::new();
        let up = re(
            &UP,
            r"(?m)(?:exports\.up\b|\bup\s*[:=(]|\basync\s+up\s*\(|function\s+up\s*\()",
        );
        let down = re(
            &DOWN,
            r"(?m)(?:exports\.down\b|\bdown\s*[:=(]|\basync\s+down\s*\(|function\s+down\s*\()",
        );
        if !up.is_match(text) {
            return None;
        }
        if text.contains("exports.down = false") || !down.is_match(text) {
            let at = up.find(text).map_or(0, |m| m.start());
            return Some((
                "no `down` migration function".into(),
                text[..at].matches('\n').count() as u32 + 1,
            ));
        }
        return None;
    }
    if name.ends_with(".cs") {
        // EF Core (`: Migration` with `Up`/`Down(MigrationBuilder)`) and FluentMigrator
        // (`: Migration` with `Up()`/`Down()`); `run` leaves out EF Core's designer files
        // and model snapshot.
        if !text.contains(": Migration") {
            return None;
        }
        let Some(at) = text.find("void Down(") else {
            return Some((
                "migration class without a `Down` method".into(),
                line_of(": Migration"),
            ));
        };
        let line = text[..at].matches('\n').count() as u32 + 1;
        let body = method_body(&text[at..]).unwrap_or("");
        let code: Vec<&str> = body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .collect();
        if code.is_empty() {
            return Some(("`Down` does nothing".into(), line));
        }
        if code.iter().all(|l| l.starts_with("throw ")) {
            return Some((
                "`Down` throws: the migration cannot be reverted".into(),
                line,
            ));
        }
        return None;
    }
    if name.ends_with(".go") {
        static GOOSE_NIL: OnceLock<Regex> = OnceLock::new();
        let nil_down = re(
            &GOOSE_NIL,
            r"goose\.Add(?:Named)?Migration(?:Context|NoTx|NoTxContext)?\([^\n]*,\s*nil\s*\)",
        );
        if let Some(m) = nil_down.find(text) {
            return Some((
                "goose migration registered with a `nil` down function".into(),
                text[..m.start()].matches('\n').count() as u32 + 1,
            ));
        }
        return None;
    }
    if name.ends_with(".xml") || name.ends_with(".yaml") || name.ends_with(".yml") {
        let liquibase = text.contains("changeSet");
        let raw_sql = text.contains("<sql") || text.contains("sqlFile") || text.contains("- sql:");
        if liquibase && raw_sql && !text.contains("rollback") {
            return Some((
                "Liquibase changeSet with raw SQL and no `rollback`".into(),
                line_of("changeSet"),
            ));
        }
    }
    None
}

fn run(ctx: &Ctx) -> Verdict {
    let migrations: Vec<_> = ctx
        .files()
        .filter(|f| f.kind == FileKind::Migration && is_production_path(&f.path))
        .collect();
    // Go code applying a list of up-only functions (miniflux's `[...]func(tx *sql.Tx)
    // error{...}`): one migration list, no way back.
    let lists: Vec<_> = ctx.signals(SignalKind::MigrationList).collect();
    // xormigrate/gormigrate `Migration{…}` literals, one file each as a rule
    // (woodpecker): a file with more literals than `Rollback: func`s has a one-way one.
    let mut structs: std::collections::BTreeMap<&str, (u32, usize, usize)> = Default::default();
    for s in ctx.signals(SignalKind::MigrationStruct) {
        let e = structs.entry(s.path.as_str()).or_insert((s.line, 0, 0));
        e.1 += 1;
    }
    for s in ctx.signals(SignalKind::MigrationRollback) {
        if let Some(e) = structs.get_mut(s.path.as_str()) {
            e.2 += 1;
        }
    }
    if migrations.is_empty() && lists.is_empty() && structs.is_empty() {
        return Verdict::not_applicable("no database migrations in the unit");
    }
    let mut findings: Vec<Finding> = lists
        .iter()
        .map(|s| {
            Finding::at(
                Location::line(&s.path, s.line),
                "migrations are a Go list of up functions (`func(tx *sql.Tx)`) with no down migrations",
            )
            .with_snippet(s.text.clone())
            .with_key("go-migration-list")
        })
        .collect();
    for (path, (line, n, rollbacks)) in &structs {
        if rollbacks < n {
            findings.push(
                Finding::at(
                    Location::line(*path, *line),
                    "migration is irreversible: a Go `Migration{…}` with no `Rollback` function, or one that does nothing (`return nil`)",
                )
                .with_key("irreversible"),
            );
        }
    }
    let mut judged = lists.len() + structs.len();
    let mut prisma = Vec::new();
    for f in &migrations {
        let lower = f.path.to_ascii_lowercase();
        if lower.ends_with("/migration.sql") && lower.contains("prisma/") {
            prisma.push(f.path.as_str());
            continue;
        }
        // EF Core's designer files and model snapshot sit beside the migrations.
        if lower.ends_with(".designer.cs") || lower.ends_with("modelsnapshot.cs") {
            continue;
        }
        let Some(text) = ctx.text(&f.path) else {
            continue;
        };
        judged += 1;
        if let Some((msg, line)) = judge(ctx, &f.path, text) {
            let loc = if line > 0 {
                Location::line(&f.path, line)
            } else {
                Location::file(&f.path)
            };
            findings.push(
                Finding::at(loc, format!("migration is irreversible: {msg}"))
                    .with_key("irreversible"),
            );
        }
    }
    if !findings.is_empty() {
        return Verdict::fail(
            format!(
                "{} of {judged} migration file(s) or list(s) cannot be rolled back",
                findings.len()
            ),
            findings,
        );
    }
    if let Some(first) = prisma.first() {
        let documented = ctx.facts.files.iter().any(|f| {
            matches!(f.kind, FileKind::Doc | FileKind::Readme)
                && ctx
                    .text(&f.path)
                    .is_some_and(|t| t.contains("migrate diff") || t.contains("migrate resolve"))
        });
        if !documented {
            return Verdict::warn(
                format!("{} Prisma migration(s): Prisma has no down migrations and no rollback procedure is documented", prisma.len()),
                vec![Finding::at(Location::file(*first), "document the rollback (`prisma migrate diff` to generate a down script, `migrate resolve --rolled-back`)").with_key("prisma")],
            );
        }
    }
    Verdict::pass(format!(
        "all {} migration file(s) can be rolled back",
        judged + prisma.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    fn outcome(files: &[(&str, &str)]) -> Outcome {
        run_on_files(&CHECK, files).outcome
    }

    /// ory/kratos (pop): `V_identity_metadata.mysql.up.sql` is undone by the shared
    /// `V_identity_metadata.down.sql`; it failed as having no down migration.
    #[test]
    fn pop_dialect_migrations_fall_back_to_the_shared_down_file() {
        let up = (
            "persistence/sql/migrations/sql/20220420102701000000_identity_metadata.mysql.up.sql",
            "ALTER TABLE identities ADD COLUMN metadata JSON;\n",
        );
        let shared = (
            "persistence/sql/migrations/sql/20220420102701000000_identity_metadata.down.sql",
            "ALTER TABLE identities DROP COLUMN metadata;\n",
        );
        assert_eq!(outcome(&[up, shared]), Outcome::Pass);
        assert_eq!(outcome(&[up]), Outcome::Fail);
        // Not a dialect: no fallback.
        let odd = (
            "migrations/0002_x.extra.up.sql",
            "CREATE TABLE x (id int);\n",
        );
        assert_eq!(
            outcome(&[odd, ("migrations/0002_x.down.sql", "DROP TABLE x;\n")]),
            Outcome::Fail
        );
    }

    #[test]
    fn sql_tools() {
        let up = (
            "migrations/0001_users.up.sql",
            "CREATE TABLE users (id int);\n",
        );
        assert_eq!(outcome(&[up]), Outcome::Fail);
        assert_eq!(
            outcome(&[
                up,
                ("migrations/0001_users.down.sql", "DROP TABLE users;\n")
            ]),
            Outcome::Pass
        );
        let diesel = (
            "migrations/2024-01-01-000000_users/up.sql",
            "CREATE TABLE users (id int);\n",
        );
        let empty = (
            "migrations/2024-01-01-000000_users/down.sql",
            "-- This file should undo anything in `up.sql`\n",
        );
        assert_eq!(outcome(&[diesel, empty]), Outcome::Fail);
        let goose = "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\n";
        let v = run_on_files(&CHECK, &[("db/migrations/001_a.sql", goose)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("db/migrations/001_a.sql", 3))
        );
        assert_eq!(
            outcome(&[(
                "db/migrations/001_a.sql",
                &format!("{goose}DROP TABLE a;\n")
            )]),
            Outcome::Pass
        );
        let flyway_dir = (
            "src/main/resources/db/migration/V2__add_email.sql",
            "ALTER TABLE users ADD email text;\n",
        );
        assert_eq!(outcome(&[flyway_dir]), Outcome::Fail);
        assert_eq!(
            outcome(&[
                flyway_dir,
                (
                    "src/main/resources/db/migration/U2__add_email.sql",
                    "ALTER TABLE users DROP email;\n"
                )
            ]),
            Outcome::Pass
        );
        assert_eq!(
            outcome(&[("migrations/20240101_init.sql", "CREATE TABLE a (id int);\n")]),
            Outcome::Fail
        );
    }

    /// miniflux/v2 keeps 133 forward-only migrations in
    /// woodpecker (#13): its xormigrate migrations (one `Migration{…}` per file, no
    /// `Rollback`) were `n/a`; one with a rollback passes.
    #[test]
    fn go_migration_structs_need_a_rollback() {
        let up = "package migration\n\nvar addOrgID = xormigrate.Migration{\n\tID: \"add-org-id\",\n\tMigrateSession: func(sess *xorm.Session) error {\n\t\treturn nil\n\t},\n}\n";
        assert_eq!(
            outcome(&[("server/migration/001_add_org_id.go", up)]),
            Outcome::Fail
        );
        let both = "package migration\n\nvar m = gormigrate.Migration{\n\tID: \"1\",\n\tMigrate: func(tx *gorm.DB) error { return tx.AutoMigrate(&User{}) },\n\tRollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable(\"users\") },\n}\n";
        assert_eq!(outcome(&[("db/m1.go", both)]), Outcome::Pass);
        // headscale (held-out, 2026-12-07): a `Rollback` that only returns nil undoes
        // nothing.
        let no_op = both.replace("return tx.Migrator().DropTable(\"users\")", "return nil");
        assert_eq!(outcome(&[("db/m1.go", no_op.as_str())]), Outcome::Fail);
    }

    /// `var migrations = [...]func(tx *sql.Tx) error{...}` and was judged `n/a`.
    #[test]
    fn go_migration_list_without_downs_fails() {
        let go = "package database\n\nvar migrations = [...]func(tx *sql.Tx) error{\n\tfunc(tx *sql.Tx) (err error) {\n\t\t_, err = tx.Exec(`CREATE TABLE x (id int)`)\n\t\treturn err\n\t},\n}\n";
        let v = run_on_files(&CHECK, &[("internal/database/migrations.go", go)]);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("internal/database/migrations.go", 3))
        );
        let param = "package database\n\nfunc run(steps []func(tx *sql.Tx) error) {}\n";
        assert_eq!(
            outcome(&[("internal/database/run.go", param)]),
            Outcome::NotApplicable
        );
    }

    #[test]
    fn code_migrations() {
        let alembic = "def upgrade():\n    op.add_column('a', sa.Column('b'))\n\n\ndef downgrade():\n    pass\n";
        let v = run_on_files(&CHECK, &[("alembic/versions/abc_add_b.py", alembic)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("alembic/versions/abc_add_b.py", 5))
        );
        let ok = alembic.replace("    pass\n", "    op.drop_column('a', 'b')\n");
        assert_eq!(
            outcome(&[("alembic/versions/abc_add_b.py", &ok)]),
            Outcome::Pass
        );
        let rails_change = "class AddB < ActiveRecord::Migration[7.1]\n  def change\n    add_column :a, :b, :string\n  end\nend\n";
        assert_eq!(
            outcome(&[("db/migrate/20240101_add_b.rb", rails_change)]),
            Outcome::Pass
        );
        let rails_up =
            "class AddB < ActiveRecord::Migration[7.1]\n  def up\n    execute 'x'\n  end\nend\n";
        assert_eq!(
            outcome(&[("db/migrate/20240101_add_b.rb", rails_up)]),
            Outcome::Fail
        );
        let knex = "exports.up = function (knex) { return knex.schema.createTable('a', t => t.increments()); };\n";
        assert_eq!(
            outcome(&[("migrations/20240101_a.js", knex)]),
            Outcome::Fail
        );
        let knex_ok = format!(
            "{knex}exports.down = function (knex) {{ return knex.schema.dropTable('a'); }};\n"
        );
        assert_eq!(
            outcome(&[("migrations/20240101_a.js", &knex_ok)]),
            Outcome::Pass
        );
        let django = "class Migration(migrations.Migration):\n    operations = [\n        migrations.RunPython(forwards),\n    ]\n";
        let v = run_on_files(&CHECK, &[("shop/migrations/0002_data.py", django)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(
            v.findings[0].location,
            Some(Location::line("shop/migrations/0002_data.py", 3))
        );
        let django_ok = django.replace("RunPython(forwards)", "RunPython(forwards, backwards)");
        assert_eq!(
            outcome(&[("shop/migrations/0002_data.py", &django_ok)]),
            Outcome::Pass
        );
        assert_eq!(
            outcome(&[(
                "prisma/migrations/20240101_init/migration.sql",
                "CREATE TABLE a (id int);\n"
            )]),
            Outcome::Warn
        );
        assert_eq!(
            outcome(&[("src/main.rs", "fn main(){}")]),
            Outcome::NotApplicable
        );
    }

    /// dotnet/eShop: EF Core migrations under `Infrastructure/Migrations/`.
    #[test]
    fn ef_core_migrations() {
        let up_down = "public partial class Initial : Migration\n{\n    protected override void Up(MigrationBuilder migrationBuilder)\n    {\n        migrationBuilder.CreateTable(name: \"Catalog\");\n    }\n\n    protected override void Down(MigrationBuilder migrationBuilder)\n    {\n        migrationBuilder.DropTable(name: \"Catalog\");\n    }\n}\n";
        let dir = "src/Catalog.API/Infrastructure/Migrations";
        let snapshot = "partial class CatalogContextModelSnapshot : ModelSnapshot\n{\n}\n";
        assert_eq!(
            outcome(&[
                (&format!("{dir}/20231009153249_Initial.cs"), up_down),
                (
                    &format!("{dir}/20231009153249_Initial.Designer.cs"),
                    "partial class Initial { }\n"
                ),
                (&format!("{dir}/CatalogContextModelSnapshot.cs"), snapshot),
            ]),
            Outcome::Pass
        );
        let empty = up_down.replace(
            "migrationBuilder.DropTable(name: \"Catalog\");",
            "// nothing",
        );
        let v = run_on_files(&CHECK, &[(&format!("{dir}/2_Empty.cs"), &empty)]);
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(8));
        let throws = up_down.replace(
            "migrationBuilder.DropTable(name: \"Catalog\");",
            "throw new NotSupportedException();",
        );
        assert_eq!(
            outcome(&[(&format!("{dir}/3_Throws.cs"), &throws)]),
            Outcome::Fail
        );
        let no_down = "public class AddIndex : Migration\n{\n    public override void Up() { Create.Index(\"ix\"); }\n}\n";
        assert_eq!(
            outcome(&[(&format!("{dir}/4_NoDown.cs"), no_down)]),
            Outcome::Fail
        );
    }

    /// teslamate (#13): `remove(:consumption_kWh)` in a `change` has no type for Ecto to
    /// add the column back with; wallabag: Doctrine `down()` bodies that only throw
    /// `SkipMigration` or `skipIf(true, …)`. Both passed as reversible.
    #[test]
    fn ecto_change_commands_and_doctrine_refusals_are_irreversible() {
        let ecto = |body: &str| {
            let m = format!(
                "defmodule M do\n  use Ecto.Migration\n\n  def change do\n    alter table(:drives) do\n{body}\n    end\n  end\nend\n"
            );
            outcome(&[("priv/repo/migrations/20190821_drop.exs", &m)])
        };
        assert_eq!(ecto("      remove(:consumption_kWh)"), Outcome::Fail);
        assert_eq!(ecto("      remove :a, :float"), Outcome::Pass);
        assert_eq!(
            ecto("      remove(:a, :string, default: \"x\")"),
            Outcome::Pass
        );
        assert_eq!(ecto("      modify :a, :text"), Outcome::Fail);
        assert_eq!(ecto("      modify :a, :text, from: :string"), Outcome::Pass);
        assert_eq!(ecto("      execute(\"UPDATE x SET y = 1\")"), Outcome::Fail);
        assert_eq!(
            ecto("      execute \"CREATE INDEX i ON t (a)\", \"DROP INDEX i\""),
            Outcome::Pass
        );
        assert_eq!(
            ecto("      # remove(:old)\n      add :b, :text"),
            Outcome::Pass
        );
        let doctrine = |down: &str| {
            let m = format!(
                "<?php\nfinal class Version2016 extends WallabagMigration\n{{\n    public function up(Schema $schema): void\n    {{\n        $this->addSql('ALTER TABLE x ADD y INT');\n    }}\n\n    public function down(Schema $schema): void\n    {{\n{down}\n    }}\n}}\n"
            );
            outcome(&[("migrations/Version20161001072726.php", &m)])
        };
        assert_eq!(
            doctrine("        throw new SkipMigration('Too complex ...');"),
            Outcome::Fail
        );
        assert_eq!(
            doctrine("        $this->skipIf(true, 'These settings are required.');"),
            Outcome::Fail
        );
        assert_eq!(
            doctrine(
                "        $this->skipIf($x, 'only sqlite');\n        $this->addSql('ALTER TABLE x DROP y');"
            ),
            Outcome::Pass
        );
        assert_eq!(
            doctrine("        $this->addSql('ALTER TABLE x DROP y');"),
            Outcome::Pass
        );
    }

    /// hexpm (#13): Ecto migrations; firefly-iii: Laravel migrations with empty `down()`.
    #[test]
    fn ecto_and_laravel_migrations() {
        let change = "defmodule Hexpm.Repo.Migrations.AddX do\n  use Ecto.Migration\n\n  def change do\n    alter table(:packages) do\n      add :x, :text\n    end\n  end\nend\n";
        assert_eq!(
            outcome(&[("priv/repo/migrations/20200101_add_x.exs", change)]),
            Outcome::Pass
        );
        let raises = "defmodule M do\n  use Ecto.Migration\n\n  def up do\n    drop table(:package_reports)\n  end\n\n  def down do\n    raise Ecto.MigrationError, \"irreversible\"\n  end\nend\n";
        assert_eq!(
            outcome(&[("priv/repo/migrations/20260810_drop.exs", raises)]),
            Outcome::Fail
        );
        let up_only = "defmodule M do\n  use Ecto.Migration\n\n  def up do\n    execute \"UPDATE x SET y = 1\"\n  end\nend\n";
        assert_eq!(
            outcome(&[("priv/repo/migrations/20150428_meta.exs", up_only)]),
            Outcome::Fail
        );
        let laravel = "<?php\nreturn new class extends Migration {\n    public function up(): void\n    {\n        Schema::table('x', function (Blueprint $t) { $t->index('y'); });\n    }\n\n    public function down(): void\n    {\n        // nothing\n    }\n};\n";
        assert_eq!(
            outcome(&[("database/migrations/2024_03_03_add_indices.php", laravel)]),
            Outcome::Fail
        );
        let data_only = laravel.replace(
            "Schema::table('x', function (Blueprint $t) { $t->index('y'); });",
            "DB::table('x')->whereNull('y')->update(['y' => 1]);",
        );
        assert_eq!(
            outcome(&[(
                "database/migrations/2024_09_29_ensure_value.php",
                &data_only
            )]),
            Outcome::Pass
        );
        let good = laravel.replace(
            "// nothing",
            "Schema::table('x', function (Blueprint $t) { $t->dropIndex(['y']); });",
        );
        assert_eq!(
            outcome(&[("database/migrations/2024_03_03_add_indices.php", &good)]),
            Outcome::Pass
        );
    }
}
