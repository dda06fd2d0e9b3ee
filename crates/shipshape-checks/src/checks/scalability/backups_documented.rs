//! `scalability/backups-documented`: a service that keeps data has a backup and restore procedure.

use crate::libraries::{self, Category};
use crate::{CheckDef, CheckMeta, Ctx, Verdict};
use regex::Regex;
use shipshape_facts::FileKind;
use shipshape_model::{Area, Finding, Location, Severity, UnitKind};
use std::sync::OnceLock;

pub static CHECK: CheckDef = CheckDef {
    meta: CheckMeta {
        id: "scalability/backups-documented",
        title: "Backups and restores are documented or configured",
        area: Area::Scalability,
        severity: Severity::Medium,
        kinds: &[UnitKind::Service],
        scope: shipshape_model::Scope::Unit,
        applies_to: "services with a datastore (a database/ORM/cache client dependency, or a database StatefulSet/compose service)",
        rationale: "Data loss is the one outage you cannot roll back. A backup nobody has restored is a hope; the procedure has to exist and be findable during the incident.",
        evaluation: "`n/a` unless the unit has a datastore: a database, ORM or cache client dependency, or a Kubernetes StatefulSet / compose service running postgres, mysql, mariadb, mongo, redis, cassandra or elasticsearch. Passes on the first of: Velero `Schedule`/`Backup`, CloudNativePG `ScheduledBackup` or a database cluster with a `backup` section; a CronJob whose command, args or image runs pg_dump, pg_basebackup, mysqldump, mongodump, pgbackrest, wal-g, barman, restic or velero, or a CronJob named for backups that runs a backup script (`/scripts/backup.sh`); Terraform backup settings (`backup_retention_period`, `point_in_time_recovery`, `aws_backup_plan`, `backup_configuration`); a document named backup*, restore* or disaster-recovery*, or a documentation heading mentioning backup, restore or disaster recovery (the unit's documents, and the repository's: at the root, under `docs/` or `doc/`, or outside every unit, such as a documentation site). Fails otherwise. The unit's dependencies include those of the repository's projects it builds in (a .NET `ProjectReference`, a Cargo `path` or workspace dependency, an npm workspace package, a Maven reactor module, a Gradle `project(...)`, a Go module replaced by a directory) and the packages its direct dependencies bring as a NuGet `packages.lock.json` records them; evidence names the manifest.",
        remediation: "Configure automated backups (managed-database retention with point-in-time recovery, Velero schedules, a pgBackRest/WAL-G CronJob) and write docs/backup-restore.md with the restore steps, the RPO/RTO and the date of the last restore test.",
        references: &[
            "https://velero.io/docs/",
            "https://sre.google/sre-book/data-integrity/",
        ],
    },
    run,
};

const DB_IMAGES: &[&str] = &[
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "cassandra",
    "elasticsearch",
    "postgis",
    "timescale",
    "cockroach",
];

fn tool_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)\b(?:pg_dump(?:all)?|pg_basebackup|mysqldump|mariadb-dump|mongodump|pgbackrest|wal-g|barman|restic|velero|backup_retention_period|point_in_time_recovery|aws_backup_plan|backup_configuration|google_sql_backup_run)\b").expect("constant regex"))
}

fn uses_db_image(image: &str) -> bool {
    let name = image
        .rsplit('/')
        .next()
        .unwrap_or(image)
        .split([':', '@'])
        .next()
        .unwrap_or("");
    DB_IMAGES.iter().any(|d| name.starts_with(d))
}

fn datastore(ctx: &Ctx) -> Option<String> {
    if let Some(d) = libraries::find(
        ctx.runtime_deps().into_iter().filter(|d| !d.dev),
        Category::Datastore,
    ) {
        return Some(format!("`{}` {}", d.name, ctx.declared_where(d)));
    }
    for o in ctx.workloads() {
        if let Some(c) = o
            .containers(false)
            .into_iter()
            .find(|c| c.idx("image").as_str().is_some_and(uses_db_image))
        {
            return Some(format!(
                "{} runs {}",
                o.display(),
                c.idx("image").as_str().unwrap_or("")
            ));
        }
    }
    for f in ctx.files().filter(|f| f.kind == FileKind::Compose) {
        if let Some(Ok(docs)) = ctx.facts.yaml(&f.path) {
            for d in docs.iter() {
                for (name, s) in d.idx("services").entries() {
                    if s.idx("image").as_str().is_some_and(uses_db_image) {
                        return Some(format!("compose service `{name}` in {}", f.path));
                    }
                }
            }
        }
    }
    None
}

fn evidence(ctx: &Ctx) -> Option<Finding> {
    for o in ctx.k8s() {
        let backup_kind = matches!(o.kind.as_str(), "Schedule" | "Backup")
            && o.api_version.starts_with("velero.io")
            || o.kind == "ScheduledBackup"
            || (o.kind == "Cluster" && o.doc.at(&["spec", "backup"]).is_some());
        if backup_kind {
            return Some(Finding::at(
                Location::line(&o.path, o.line),
                format!("{} ({})", o.display(), o.api_version),
            ));
        }
        if o.kind == "CronJob" {
            let named_backup = o.name.to_ascii_lowercase().contains("backup");
            for c in o.containers(true) {
                let mut text = c.idx("image").as_str().unwrap_or("").to_string();
                for key in ["command", "args"] {
                    for i in c.idx(key).items() {
                        text.push(' ');
                        text.push_str(&i.scalar_text().unwrap_or_default());
                    }
                }
                if let Some(m) = tool_re().find(&text) {
                    return Some(Finding::at(
                        Location::line(&o.path, c.line),
                        format!("{} runs `{}`", o.display(), m.as_str()),
                    ));
                }
                // A CronJob named for backups that runs a backup script of its own
                // (stefanprodan/podinfo: `backup-daily` runs /scripts/backup.sh).
                if named_backup
                    && let Some(script) = text.split_whitespace().find(|w| {
                        let lower = w.to_ascii_lowercase();
                        lower.contains("backup")
                            && (w.contains('/') || lower.ends_with("backup.sh"))
                    })
                {
                    return Some(Finding::at(
                        Location::line(&o.path, c.line),
                        format!("{} runs `{script}`", o.display()),
                    ));
                }
            }
        }
    }
    let tf = ctx
        .files()
        .filter(|f| f.kind == FileKind::Terraform && !f.in_test);
    for f in tf {
        if let Some((line, text)) = ctx
            .text(&f.path)
            .and_then(|t| shipshape_facts::ci::find_line(t, |l| tool_re().is_match(l)))
        {
            return Some(
                Finding::at(Location::line(&f.path, line), "backup configuration")
                    .with_snippet(text),
            );
        }
    }
    let docs = ctx.facts.files.iter().filter(|f| {
        matches!(f.kind, FileKind::Doc | FileKind::Readme) && !f.in_test && ctx.is_unit_doc(&f.path)
    });
    for f in docs {
        let lower = f.path.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        if name.starts_with("backup")
            || name.starts_with("restore")
            || name.starts_with("disaster-recovery")
            || name.starts_with("disaster_recovery")
        {
            return Some(Finding::at(
                Location::file(&f.path),
                "backup/restore document",
            ));
        }
        if let Some((line, text)) = ctx.text(&f.path).and_then(|t| {
            shipshape_facts::ci::find_line(t, |l| {
                let l = l.trim_start().to_ascii_lowercase();
                l.starts_with('#')
                    && (l.contains("backup")
                        || l.contains("restore")
                        || l.contains("disaster recovery"))
            })
        }) {
            return Some(
                Finding::at(Location::line(&f.path, line), "backup/restore section")
                    .with_snippet(text),
            );
        }
    }
    None
}

fn run(ctx: &Ctx) -> Verdict {
    let Some(store) = datastore(ctx) else {
        return Verdict::not_applicable("no datastore dependency or database workload in the unit");
    };
    match evidence(ctx) {
        Some(f) => Verdict::pass_with(format!("backups covered ({store})"), vec![f]),
        None => Verdict::fail(
            format!("datastore ({store}) with no documented or configured backup"),
            vec![Finding::new(
                "looked for: Velero/CloudNativePG backup objects, CronJobs running pg_dump/mysqldump/mongodump/pgbackrest/wal-g/restic, Terraform backup settings, backup*/restore*/disaster-recovery* documents or backup/restore headings",
            )],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::run_on_files;
    use shipshape_model::Outcome;

    const SVC: (&str, &str) = ("shipshape.toml", "[service]\nkind = \"service\"\n");
    const PG: (&str, &str) = ("requirements.txt", "fastapi\npsycopg[binary]==3.2\n");

    /// bitwarden/server: `src/Api` has no database client of its own; it builds in
    /// `src/Core` (a ProjectReference), whose SQL client is the service's datastore.
    /// Was `n/a` ("no datastore").
    #[test]
    fn datastore_of_a_linked_project_counts() {
        let files = [
            (
                "src/Api/Api.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <ItemGroup>\n    <ProjectReference Include=\"..\\Core\\Core.csproj\" />\n  </ItemGroup>\n</Project>\n",
            ),
            (
                "src/Core/Core.csproj",
                "<Project>\n  <ItemGroup>\n    <PackageReference Include=\"Microsoft.Data.SqlClient\" Version=\"7.0.0\" />\n  </ItemGroup>\n</Project>\n",
            ),
        ];
        let units = vec!["src/Api".to_string()];
        let v = crate::testing::run_in_monorepo(&CHECK, &files, ("api", "src/Api"), &units);
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        assert!(
            v.summary
                .contains("src/Core/Core.csproj, which the unit builds in"),
            "{}",
            v.summary
        );
        // Without the reference the unit has no datastore.
        let alone = [files[0].0, files[1].0];
        let files = [
            (alone[0], "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />\n"),
            files[1],
        ];
        let v = crate::testing::run_in_monorepo(&CHECK, &files, ("api", "src/Api"), &units);
        assert_eq!(v.outcome, Outcome::NotApplicable, "{v:?}");
    }

    #[test]
    fn docs_cronjobs_terraform_and_absence() {
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                PG,
                (
                    "docs/operations.md",
                    "# Ops\n\n## Restore from backup\nRun ...\n",
                ),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(3));
        let podinfo = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: backup-daily}\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: backup\n              image: ghcr.io/stefanprodan/podinfo:6.14.1\n              command: [/bin/sh, /scripts/backup.sh]\n";
        let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: cache}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: redis, image: redis:8}\n";
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("deploy/redis.yaml", redis),
                ("deploy/backup.yaml", podinfo),
            ],
        );
        assert_eq!(v.outcome, Outcome::Pass, "{v:?}");
        // A script called backup in a CronJob named otherwise is not evidence enough.
        let other = podinfo.replace("backup-daily", "rollup-daily");
        let v = run_on_files(
            &CHECK,
            &[
                SVC,
                ("deploy/redis.yaml", redis),
                ("deploy/backup.yaml", other.as_str()),
            ],
        );
        assert_eq!(v.outcome, Outcome::Fail, "{v:?}");
        let cj = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: dump}\nspec:\n  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: dump\n              image: postgres:17\n              command: [sh, -c, 'pg_dump $DATABASE_URL | gzip > /backup/db.gz']\n";
        assert_eq!(
            run_on_files(&CHECK, &[SVC, PG, ("k8s/backup.yaml", cj)]).outcome,
            Outcome::Pass
        );
        let tf = "resource \"aws_db_instance\" \"db\" {\n  backup_retention_period = 14\n}\n";
        let v = run_on_files(&CHECK, &[SVC, PG, ("infra/db.tf", tf)]);
        assert_eq!(v.findings[0].location.as_ref().unwrap().line, Some(2));
        assert_eq!(
            run_on_files(&CHECK, &[SVC, PG, ("README.md", "# api\n")]).outcome,
            Outcome::Fail
        );
        assert_eq!(
            run_on_files(&CHECK, &[SVC, ("requirements.txt", "fastapi\n")]).outcome,
            Outcome::NotApplicable
        );
    }
}
