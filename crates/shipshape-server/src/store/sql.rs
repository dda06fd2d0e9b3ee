//! The SQL of the store, written once and instantiated for SQLite and PostgreSQL.
//!
//! `impl_store!(Type, Db, schema = "…")` implements [`Store`](super::Store) for a
//! type with `writer()` / `reader()` pools, `migrator()` and `connect_migrate()`.
//! Both drivers take `$1…` placeholders, `ON CONFLICT … RETURNING` and the same
//! column types through sqlx, so only the schema introspection query differs.

/// Rows of check results written per statement (5 parameters each, far below
/// SQLite's 32766-parameter limit).
pub(super) const CHECK_ROWS_PER_INSERT: usize = 400;

/// `COL = CASE …` for the unit upsert: the column takes the incoming report's value only
/// when that report is newer than the unit's latest (monotonic: a report that commits
/// late never hides a newer one). Every SET expression reads the old row, so each column
/// repeats the same condition; it is written here once.
#[macro_export]
#[doc(hidden)]
macro_rules! if_newer {
    ($col:literal) => {
        concat!(
            $col,
            " = CASE WHEN units.latest_report_id IS NULL OR units.latest_report_id < excluded.latest_report_id THEN excluded.",
            $col,
            " ELSE units.",
            $col,
            " END"
        )
    };
}

macro_rules! impl_store {
    ($store:ty, $db:ty, backend = $backend:literal, schema = $schema:literal, lock = $lock:literal, fragments_shared = $fragments_shared:literal, fragments_exclusive = $fragments_exclusive:literal) => {
        impl $crate::store::Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            fn migrate(&self) -> $crate::store::StoreFuture<'_, ()> {
                Box::pin(async move {
                    self.migrator().run(self.writer()).await?;
                    Ok(())
                })
            }

            fn readiness(&self) -> $crate::store::StoreFuture<'_, $crate::store::Readiness> {
                Box::pin(async move {
                    let expected = $crate::store::latest_version(self.migrator());
                    sqlx::query::<$db>("SELECT 1").execute(self.reader()).await?;
                    let applied: Option<(Option<i64>,)> = sqlx::query_as::<$db, (Option<i64>,)>(
                        "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
                    )
                    .fetch_optional(self.reader())
                    .await
                    // No migrations table yet: reachable, nothing applied.
                    .unwrap_or(None);
                    Ok($crate::store::Readiness {
                        applied: applied.and_then(|r| r.0),
                        expected,
                    })
                })
            }

            fn ingest(
                &self,
                new: $crate::store::NewReport,
            ) -> $crate::store::StoreFuture<'_, $crate::store::Ingested> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let (repo_id,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                        "INSERT INTO repositories (name, created_at) VALUES ($1, $2) \
                         ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
                    )
                    .bind(&new.repository)
                    .bind(new.received_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    // The catalog changes rarely: read it (no row locks) and write only
                    // what differs, so concurrent uploads do not queue on its rows.
                    let known: Vec<(i64, String, String, String, String)> =
                        sqlx::query_as::<$db, (i64, String, String, String, String)>(
                            "SELECT id, check_id, title, area, severity FROM checks",
                        )
                        .fetch_all(&mut *tx)
                        .await?;
                    let mut check_refs: std::collections::HashMap<String, i64> =
                        known.iter().map(|k| (k.1.clone(), k.0)).collect();
                    let known: std::collections::HashMap<String, (String, String, String)> = known
                        .into_iter()
                        .map(|(_, id, t, a, s)| (id, (t, a, s)))
                        .collect();
                    let changed: Vec<&$crate::store::CheckInfoRow> = new
                        .catalog
                        .iter()
                        .filter(|c| {
                            known.get(&c.check_id).is_none_or(|(t, a, s)| {
                                *t != c.title || *a != c.area || *s != c.severity
                            })
                        })
                        .collect();
                    for chunk in changed.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO checks (check_id, title, area, severity) ",
                        );
                        qb.push_values(chunk, |mut row, c| {
                            row.push_bind(c.check_id.clone())
                                .push_bind(c.title.clone())
                                .push_bind(c.area.clone())
                                .push_bind(c.severity.clone());
                        });
                        qb.push(
                            " ON CONFLICT (check_id) DO UPDATE SET title = excluded.title, \
                             area = excluded.area, severity = excluded.severity RETURNING id, check_id",
                        );
                        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                        check_refs.extend(rows.into_iter().map(|(id, c)| (c, id)));
                    }
                    // Fragments: each distinct check result once. Existing ones are found
                    // by digest, the others inserted with their findings, in digest order.
                    // Retention's sweep of unused fragments takes this lock exclusively
                    // (PostgreSQL; SQLite has one writer), so none found here can go
                    // before this transaction's check results, which use it, commit.
                    sqlx::query::<$db>($fragments_shared).execute(&mut *tx).await?;
                    let mut wanted: std::collections::BTreeMap<&str, &$crate::store::NewCheck> =
                        std::collections::BTreeMap::new();
                    for c in new.units.iter().flat_map(|u| u.checks.iter()) {
                        wanted.entry(c.digest.as_str()).or_insert(c);
                    }
                    let mut fragment_ids: std::collections::HashMap<String, i64> =
                        std::collections::HashMap::with_capacity(wanted.len());
                    let digests: Vec<&str> = wanted.keys().copied().collect();
                    for chunk in digests.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "SELECT id, digest FROM fragments WHERE digest IN (",
                        );
                        let mut sep = qb.separated(", ");
                        for d in chunk {
                            sep.push_bind(d.to_string());
                        }
                        qb.push(")");
                        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                        fragment_ids.extend(rows.into_iter().map(|(id, d)| (d, id)));
                    }
                    let missing: Vec<&$crate::store::NewCheck> = wanted
                        .values()
                        .filter(|c| !fragment_ids.contains_key(&c.digest))
                        .copied()
                        .collect();
                    for chunk in missing.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO fragments (digest, check_ref, outcome, severity, body) ",
                        );
                        let mut refs = Vec::with_capacity(chunk.len());
                        // Compressed here, for the fragments not stored yet only.
                        let mut bodies = Vec::with_capacity(chunk.len());
                        for c in chunk {
                            bodies.push($crate::ingest::deflate(&c.json).map_err(|e| {
                                $crate::store::StoreError::Config(e.to_string())
                            })?);
                            refs.push(*check_refs.get(&c.check_id).ok_or_else(|| {
                                $crate::store::StoreError::Config(format!(
                                    "check {} is not in the catalog",
                                    c.check_id
                                ))
                            })?);
                        }
                        qb.push_values(chunk.iter().zip(refs).zip(bodies), |mut row, ((c, r), body)| {
                            row.push_bind(c.digest.clone())
                                .push_bind(r)
                                .push_bind(c.outcome.clone())
                                .push_bind(c.severity.clone())
                                .push_bind(body);
                        });
                        qb.push(" ON CONFLICT (digest) DO NOTHING RETURNING id, digest");
                        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                        let mut findings = Vec::new();
                        for (id, d) in rows {
                            if let Some(c) = wanted.get(d.as_str()) {
                                for (seq, f) in c.findings.iter().enumerate() {
                                    findings.push((id, seq as i64, f));
                                }
                            }
                            fragment_ids.insert(d, id);
                        }
                        for fchunk in findings.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                            let mut qb = sqlx::QueryBuilder::<$db>::new(
                                "INSERT INTO findings (fragment_id, seq, path, line, message) ",
                            );
                            qb.push_values(fchunk, |mut row, (id, seq, f)| {
                                row.push_bind(*id)
                                    .push_bind(*seq)
                                    .push_bind(f.path.clone())
                                    .push_bind(f.line)
                                    .push_bind(f.message.clone());
                            });
                            qb.build().execute(&mut *tx).await?;
                        }
                    }
                    // Inserted meanwhile by a concurrent upload (PostgreSQL): now committed.
                    let late: Vec<&$crate::store::NewCheck> = missing
                        .iter()
                        .filter(|c| !fragment_ids.contains_key(&c.digest))
                        .copied()
                        .collect();
                    for c in late {
                        let (id,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                            "SELECT id FROM fragments WHERE digest = $1",
                        )
                        .bind(&c.digest)
                        .fetch_one(&mut *tx)
                        .await?;
                        fragment_ids.insert(c.digest.clone(), id);
                    }
                    // The body: the skeleton with fragment ids in place of the digests,
                    // written with the report in its first INSERT.
                    let mut skeleton = new.skeleton.clone();
                    for unit in skeleton["units"].as_array_mut().into_iter().flatten() {
                        for c in unit["checks"].as_array_mut().into_iter().flatten() {
                            let id = c.as_str().and_then(|d| fragment_ids.get(d)).copied();
                            *c = serde_json::Value::from(id.ok_or_else(|| {
                                $crate::store::StoreError::Config("a check result without its fragment".into())
                            })?);
                        }
                    }
                    let body = $crate::store::sql::deflate_json(&skeleton)?;
                    let inserted: Option<(i64,)> = sqlx::query_as::<$db, (i64,)>(
                        "INSERT INTO reports (repository_id, digest, commit_sha, git_ref, ci_run_url, \
                         received_at, command, generated_at, level, score, body, body_size, token_id, \
                         body_format) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                         ON CONFLICT (repository_id, digest) DO NOTHING RETURNING id",
                    )
                    .bind(repo_id)
                    .bind(&new.digest)
                    .bind(&new.commit)
                    .bind(&new.git_ref)
                    .bind(&new.ci_run_url)
                    .bind(new.received_at)
                    .bind(&new.command)
                    .bind(&new.generated_at)
                    .bind(&new.level)
                    .bind(new.score)
                    .bind(&body)
                    .bind(new.body_size)
                    .bind(new.token_id)
                    .bind($crate::store::BODY_FRAGMENTS)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((report_id,)) = inserted else {
                        let (existing,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                            "SELECT id FROM reports WHERE repository_id = $1 AND digest = $2",
                        )
                        .bind(repo_id)
                        .bind(&new.digest)
                        .fetch_one(&mut *tx)
                        .await?;
                        tx.rollback().await?;
                        return Ok($crate::store::Ingested {
                            report_id: existing,
                            created: false,
                            diff: None,
                        });
                    };
                    // Webhook events: only on a default branch, and only the kinds some
                    // webhook subscribes to (no extra query per unit otherwise).
                    let kinds = if new.default_branch {
                        let rows: Vec<(String,)> =
                            sqlx::query_as::<$db, (String,)>("SELECT events FROM webhooks")
                                .fetch_all(&mut *tx)
                                .await?;
                        $crate::webhooks::Kinds::of(rows.iter().map(|r| r.0.as_str()))
                    } else {
                        $crate::webhooks::Kinds::default()
                    };
                    let mut diffs = Vec::with_capacity(new.units.len());
                    for unit in &new.units {
                        // The unit, made to point at this report unless a newer one is
                        // already its latest (monotonic: a report that commits late never
                        // hides a newer one). Every SET expression reads the old row.
                        let (unit_id, latest): (i64, Option<i64>) = sqlx::query_as::<$db, (i64, Option<i64>)>(concat!(
                            "INSERT INTO units (repository_id, path, name, kind, latest_report_id, level, score, owner, tier) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                             ON CONFLICT (repository_id, path) DO UPDATE SET name = excluded.name, kind = excluded.kind, ",
                            $crate::if_newer!("level"), ", ",
                            $crate::if_newer!("score"), ", ",
                            $crate::if_newer!("owner"), ", ",
                            $crate::if_newer!("tier"), ", ",
                            $crate::if_newer!("latest_report_id"),
                            " \
                             RETURNING id, latest_report_id",
                        ))
                        .bind(repo_id)
                        .bind(&unit.path)
                        .bind(&unit.name)
                        .bind(&unit.kind)
                        .bind(report_id)
                        .bind(&unit.level)
                        .bind(unit.score)
                        .bind(&unit.owner)
                        .bind(unit.tier)
                        .fetch_one(&mut *tx)
                        .await?;
                        let became_latest = latest == Some(report_id);
                        sqlx::query::<$db>(
                            "INSERT INTO unit_reports (report_id, unit_id, level, score) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(report_id)
                        .bind(unit_id)
                        .bind(&unit.level)
                        .bind(unit.score)
                        .execute(&mut *tx)
                        .await?;
                        for chunk in unit.checks.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                            let mut qb = sqlx::QueryBuilder::<$db>::new(
                                "INSERT INTO check_results (report_id, unit_id, fragment_id) ",
                            );
                            qb.push_values(chunk, |mut row, c| {
                                row.push_bind(report_id)
                                    .push_bind(unit_id)
                                    .push_bind(fragment_ids.get(&c.digest).copied().unwrap_or(0));
                            });
                            qb.build().execute(&mut *tx).await?;
                        }
                        for w in &unit.waivers {
                            sqlx::query::<$db>(
                                "INSERT INTO waivers (report_id, unit_id, check_id, reason, owner, expires, expires_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                            )
                            .bind(report_id)
                            .bind(unit_id)
                            .bind(&w.check_id)
                            .bind(&w.reason)
                            .bind(&w.owner)
                            .bind(&w.expires)
                            .bind(w.expires_at)
                            .execute(&mut *tx)
                            .await?;
                        }
                        if !unit.areas.is_empty() {
                            let mut qb = sqlx::QueryBuilder::<$db>::new(
                                "INSERT INTO area_scores (report_id, unit_id, area, score) ",
                            );
                            qb.push_values(&unit.areas, |mut row, (area, score)| {
                                row.push_bind(report_id)
                                    .push_bind(unit_id)
                                    .push_bind(area.clone())
                                    .push_bind(*score);
                            });
                            qb.build().execute(&mut *tx).await?;
                        }
                        // The unit's previous report on this ref and its outcomes: the
                        // upload's answer (the diff) and the webhook events, from one read.
                        let rows: Vec<(i64, Option<String>, Option<f64>, Option<String>, Option<String>)> =
                            sqlx::query_as::<$db, (i64, Option<String>, Option<f64>, Option<String>, Option<String>)>(
                                "SELECT p.report_id, p.level, p.score, c.check_id, f.outcome FROM \
                                 (SELECT ur.report_id, ur.level, ur.score FROM unit_reports ur \
                                  JOIN reports r ON r.id = ur.report_id \
                                  WHERE ur.unit_id = $1 AND r.git_ref = $2 AND ur.report_id < $3 \
                                  ORDER BY ur.report_id DESC LIMIT 1) p \
                                 LEFT JOIN check_results cr ON cr.report_id = p.report_id AND cr.unit_id = $1 \
                                 LEFT JOIN fragments f ON f.id = cr.fragment_id \
                                 LEFT JOIN checks c ON c.id = f.check_ref",
                            )
                            .bind(unit_id)
                            .bind(&new.git_ref)
                            .bind(report_id)
                            .fetch_all(&mut *tx)
                            .await?;
                        let previous = rows.first().map(|r| $crate::store::PreviousUnitReport {
                            report_id: r.0,
                            level: r.1.clone(),
                            score: r.2,
                        });
                        let before: Vec<(String, String)> = rows
                            .into_iter()
                            .filter_map(|r| Some((r.3?, r.4?)))
                            .collect();
                        diffs.push($crate::diff::of_upload(
                            unit_id,
                            unit,
                            previous.clone(),
                            &before,
                        ));
                        if kinds.on_upload() {
                            let events = $crate::webhooks::upload_events(
                                &kinds,
                                &$crate::webhooks::UploadSubject {
                                    repository: &new.repository,
                                    commit: &new.commit,
                                    git_ref: &new.git_ref,
                                    ci_run_url: new.ci_run_url.as_deref(),
                                    report_id,
                                    unit_id,
                                    received_at: new.received_at,
                                },
                                unit,
                                previous.as_ref().map(|p| (p.report_id, p.level.as_deref())),
                                if kinds.new_critical { &before } else { &[] },
                            );
                            for event in &events {
                                $crate::store::webhooks::enqueue_in_tx!(
                                    $db,
                                    tx,
                                    event,
                                    new.received_at.saturating_mul(1000)
                                );
                            }
                        }
                        // The latest report's failures, for the teams roll-up.
                        if became_latest {
                            sqlx::query::<$db>("DELETE FROM latest_failures WHERE unit_id = $1")
                                .bind(unit_id)
                                .execute(&mut *tx)
                                .await?;
                            let mut failing: Vec<(i64, &$crate::store::NewCheck)> = Vec::new();
                            for c in unit.checks.iter().filter(|c| c.outcome == "fail" || c.outcome == "error") {
                                let r = *check_refs.get(&c.check_id).ok_or_else(|| {
                                    $crate::store::StoreError::Config(format!(
                                        "check {} is not in the catalog",
                                        c.check_id
                                    ))
                                })?;
                                failing.push((r, c));
                            }
                            for chunk in failing.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                                let mut qb = sqlx::QueryBuilder::<$db>::new(
                                    "INSERT INTO latest_failures (unit_id, check_ref, severity, outcome) ",
                                );
                                qb.push_values(chunk, |mut row, (r, c)| {
                                    row.push_bind(unit_id)
                                        .push_bind(*r)
                                        .push_bind(c.severity.clone())
                                        .push_bind(c.outcome.clone());
                                });
                                qb.build().execute(&mut *tx).await?;
                            }
                        }
                    }
                    sqlx::query::<$db>(
                        "INSERT INTO audit_log (at, token_id, actor, action, subject, detail) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(new.received_at)
                    .bind(new.token_id)
                    .bind(&new.actor)
                    .bind("report.upload")
                    .bind(format!("report:{report_id}"))
                    .bind(format!(
                        "repository={} commit={} ref={} units={} digest={}",
                        new.repository,
                        new.commit,
                        new.git_ref,
                        new.units.len(),
                        new.digest
                    ))
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    diffs.sort_by(|a, b| a.unit.cmp(&b.unit));
                    Ok($crate::store::Ingested {
                        report_id,
                        created: true,
                        diff: Some(diffs),
                    })
                })
            }

            fn report(
                &self,
                id: i64,
            ) -> $crate::store::StoreFuture<'_, Option<$crate::store::StoredReport>> {
                Box::pin(async move {
                    type Row = (
                        i64, String, String, String, Option<String>, i64, String, String,
                        String, Option<String>, Option<f64>, Vec<u8>, i64, i64,
                    );
                    let row: Option<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT r.id, p.name, r.commit_sha, r.git_ref, r.ci_run_url, r.received_at, \
                         r.digest, r.command, r.generated_at, r.level, r.score, r.body, r.body_size, r.body_format \
                         FROM reports r JOIN repositories p ON p.id = r.repository_id WHERE r.id = $1",
                    )
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await?;
                    Ok(row.map(|r| $crate::store::StoredReport {
                        id: r.0,
                        repository: r.1,
                        commit: r.2,
                        git_ref: r.3,
                        ci_run_url: r.4,
                        received_at: r.5,
                        digest: r.6,
                        command: r.7,
                        generated_at: r.8,
                        level: r.9,
                        score: r.10,
                        body: r.11,
                        body_size: r.12,
                        body_format: r.13,
                    }))
                })
            }

            fn report_units(
                &self,
                report_id: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::UnitInReport>> {
                Box::pin(async move {
                    let rows: Vec<(i64, String, String, Option<String>, Option<f64>)> =
                        sqlx::query_as::<$db, (i64, String, String, Option<String>, Option<f64>)>(
                            "SELECT ur.unit_id, u.path, r.git_ref, ur.level, ur.score \
                             FROM unit_reports ur JOIN units u ON u.id = ur.unit_id \
                             JOIN reports r ON r.id = ur.report_id \
                             WHERE ur.report_id = $1 ORDER BY u.path",
                        )
                        .bind(report_id)
                        .fetch_all(self.reader())
                        .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::UnitInReport {
                            unit_id: r.0,
                            path: r.1,
                            git_ref: r.2,
                            level: r.3,
                            score: r.4,
                        })
                        .collect())
                })
            }

            fn previous_unit_report(
                &self,
                unit_id: i64,
                git_ref: String,
                before: i64,
            ) -> $crate::store::StoreFuture<'_, Option<$crate::store::PreviousUnitReport>> {
                Box::pin(async move {
                    let row: Option<(i64, Option<String>, Option<f64>)> =
                        sqlx::query_as::<$db, (i64, Option<String>, Option<f64>)>(
                            "SELECT ur.report_id, ur.level, ur.score FROM unit_reports ur \
                             JOIN reports r ON r.id = ur.report_id \
                             WHERE ur.unit_id = $1 AND r.git_ref = $2 AND ur.report_id < $3 \
                             ORDER BY ur.report_id DESC LIMIT 1",
                        )
                        .bind(unit_id)
                        .bind(&git_ref)
                        .bind(before)
                        .fetch_optional(self.reader())
                        .await?;
                    Ok(row.map(|r| $crate::store::PreviousUnitReport {
                        report_id: r.0,
                        level: r.1,
                        score: r.2,
                    }))
                })
            }

            fn check_outcomes(
                &self,
                report_id: i64,
                unit_id: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<(String, String)>> {
                Box::pin(async move {
                    Ok(sqlx::query_as::<$db, (String, String)>(
                        "SELECT c.check_id, f.outcome FROM check_results cr \
                         JOIN fragments f ON f.id = cr.fragment_id JOIN checks c ON c.id = f.check_ref \
                         WHERE cr.report_id = $1 AND cr.unit_id = $2 ORDER BY c.check_id",
                    )
                    .bind(report_id)
                    .bind(unit_id)
                    .fetch_all(self.reader())
                    .await?)
                })
            }

            fn units(
                &self,
                filter: $crate::store::UnitFilter,
                page: $crate::store::Page,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::UnitRow>> {
                Box::pin(async move {
                    let rows: Vec<$crate::store::sql::UnitTuple> =
                        sqlx::query_as::<$db, $crate::store::sql::UnitTuple>(
                            "SELECT u.id, p.name, u.path, u.name, u.kind, u.owner, u.tier, u.level, u.score, \
                             u.latest_report_id \
                             FROM units u JOIN repositories p ON p.id = u.repository_id \
                             WHERE u.id > $1 AND ($2 IS NULL OR p.name = $2) \
                             AND ($3 IS NULL OR u.owner = $3) AND ($4 IS NULL OR u.tier = $4) \
                             AND ($5 IS NULL OR COALESCE(u.level, 'none') = $5) \
                             ORDER BY u.id LIMIT $6",
                        )
                        .bind(page.cursor.unwrap_or(0))
                        .bind(&filter.repository)
                        .bind(&filter.owner)
                        .bind(filter.tier)
                        .bind(&filter.level)
                        .bind(page.limit)
                        .fetch_all(self.reader())
                        .await?;
                    Ok(rows.into_iter().map($crate::store::sql::unit_row).collect())
                })
            }

            fn unit(
                &self,
                id: i64,
            ) -> $crate::store::StoreFuture<'_, Option<$crate::store::UnitRow>> {
                Box::pin(async move {
                    let row: Option<$crate::store::sql::UnitTuple> =
                        sqlx::query_as::<$db, $crate::store::sql::UnitTuple>(
                        "SELECT u.id, p.name, u.path, u.name, u.kind, u.owner, u.tier, u.level, u.score, \
                         u.latest_report_id \
                         FROM units u JOIN repositories p ON p.id = u.repository_id WHERE u.id = $1",
                    )
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await?;
                    Ok(row.map($crate::store::sql::unit_row))
                })
            }

            fn unit_reports(
                &self,
                unit_id: i64,
                page: $crate::store::Page,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::ReportSummary>> {
                Box::pin(async move {
                    type Row = (i64, String, String, Option<String>, i64, Option<String>, Option<f64>);
                    let rows: Vec<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT r.id, r.commit_sha, r.git_ref, r.ci_run_url, r.received_at, ur.level, ur.score \
                         FROM unit_reports ur JOIN reports r ON r.id = ur.report_id \
                         WHERE ur.unit_id = $1 AND ur.report_id < $2 \
                         ORDER BY ur.report_id DESC LIMIT $3",
                    )
                    .bind(unit_id)
                    .bind(page.cursor.unwrap_or(i64::MAX))
                    .bind(page.limit)
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::ReportSummary {
                            id: r.0,
                            commit: r.1,
                            git_ref: r.2,
                            ci_run_url: r.3,
                            received_at: r.4,
                            level: r.5,
                            score: r.6,
                        })
                        .collect())
                })
            }

            fn waivers_expiring(
                &self,
                until: i64,
                limit: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::WaiverRow>> {
                Box::pin(async move {
                    type Row = (
                        i64, String, String, i64, String, String, Option<String>, Option<String>,
                        Option<i64>,
                    );
                    let rows: Vec<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT u.id, p.name, u.path, w.report_id, w.check_id, w.reason, w.owner, \
                         w.expires, w.expires_at \
                         FROM waivers w JOIN units u ON u.id = w.unit_id AND u.latest_report_id = w.report_id \
                         JOIN repositories p ON p.id = u.repository_id \
                         WHERE w.expires_at IS NOT NULL AND w.expires_at <= $1 \
                         ORDER BY w.expires_at, u.id, w.check_id LIMIT $2",
                    )
                    .bind(until)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::WaiverRow {
                            unit_id: r.0,
                            repository: r.1,
                            unit: r.2,
                            report_id: r.3,
                            check_id: r.4,
                            reason: r.5,
                            owner: r.6,
                            expires: r.7,
                            expires_at: r.8,
                        })
                        .collect())
                })
            }

            fn pool_stats(&self) -> (u32, u32) {
                self.pools()
                    .iter()
                    .fold((0, 0), |(o, i), p| (o + p.size(), i + p.num_idle() as u32))
            }

            fn unit_counts(
                &self,
                by: $crate::store::Grouping,
            ) -> $crate::store::StoreFuture<'_, Vec<(Option<String>, i64)>> {
                Box::pin(async move {
                    let sql = match by {
                        $crate::store::Grouping::Level => {
                            "SELECT level, COUNT(*) FROM units GROUP BY level ORDER BY level"
                        }
                        $crate::store::Grouping::Owner => {
                            "SELECT owner, COUNT(*) FROM units GROUP BY owner ORDER BY owner"
                        }
                        $crate::store::Grouping::Tier => {
                            "SELECT CAST(tier AS TEXT), COUNT(*) FROM units GROUP BY tier ORDER BY tier"
                        }
                    };
                    Ok(sqlx::query_as::<$db, (Option<String>, i64)>(sql)
                        .fetch_all(self.reader())
                        .await?)
                })
            }

            fn count_repositories(&self) -> $crate::store::StoreFuture<'_, i64> {
                Box::pin(async move {
                    let (n,): (i64,) =
                        sqlx::query_as::<$db, (i64,)>("SELECT COUNT(*) FROM repositories")
                            .fetch_one(self.reader())
                            .await?;
                    Ok(n)
                })
            }

            fn count_reports(&self) -> $crate::store::StoreFuture<'_, i64> {
                Box::pin(async move {
                    let (n,): (i64,) = sqlx::query_as::<$db, (i64,)>("SELECT COUNT(*) FROM reports")
                        .fetch_one(self.reader())
                        .await?;
                    Ok(n)
                })
            }

            fn create_token(
                &self,
                token: $crate::store::NewToken,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, i64> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let (id,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                        "INSERT INTO tokens (name, hash, scope, repo_glob, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(&token.name)
                    .bind(&token.hash)
                    .bind(&token.scope)
                    .bind(&token.repo_glob)
                    .bind(token.created_at)
                    .bind(token.expires_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("token:{id}"));
                    tx.commit().await?;
                    Ok(id)
                })
            }

            fn token_by_hash(
                &self,
                hash: Vec<u8>,
            ) -> $crate::store::StoreFuture<'_, Option<$crate::store::TokenRow>> {
                Box::pin(async move {
                    let row = sqlx::query_as::<$db, $crate::store::sql::TokenTuple>(
                        "SELECT id, name, hash, scope, repo_glob, created_at, expires_at, last_used_at, revoked_at \
                         FROM tokens WHERE hash = $1",
                    )
                    .bind(&hash)
                    .fetch_optional(self.reader())
                    .await?;
                    Ok(row.map($crate::store::sql::token_row))
                })
            }

            fn touch_token(&self, id: i64, now: i64) -> $crate::store::StoreFuture<'_, ()> {
                Box::pin(async move {
                    sqlx::query::<$db>("UPDATE tokens SET last_used_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(id)
                        .execute(self.writer())
                        .await?;
                    Ok(())
                })
            }

            fn tokens(&self) -> $crate::store::StoreFuture<'_, Vec<$crate::store::TokenRow>> {
                Box::pin(async move {
                    let rows = sqlx::query_as::<$db, $crate::store::sql::TokenTuple>(
                        "SELECT id, name, hash, scope, repo_glob, created_at, expires_at, last_used_at, revoked_at \
                         FROM tokens ORDER BY id",
                    )
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows.into_iter().map($crate::store::sql::token_row).collect())
                })
            }

            fn revoke_token(
                &self,
                id: i64,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, bool> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let done = sqlx::query::<$db>(
                        "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                    )
                    .bind(audit.at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0;
                    if done {
                        $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("token:{id}"));
                    }
                    tx.commit().await?;
                    Ok(done)
                })
            }

            fn audit_log(
                &self,
                limit: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::AuditEntry>> {
                Box::pin(async move {
                    type Row = (i64, Option<i64>, String, String, String, String);
                    let rows: Vec<Row> = sqlx::query_as::<$db, Row>(
                        "SELECT at, token_id, actor, action, subject, detail FROM audit_log \
                         ORDER BY id DESC LIMIT $1",
                    )
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::AuditEntry {
                            at: r.0,
                            token_id: r.1,
                            actor: r.2,
                            action: r.3,
                            subject: r.4,
                            detail: r.5,
                        })
                        .collect())
                })
            }

            fn apply_retention(
                &self,
                bands: Vec<$crate::retention::Band>,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, Option<u64>> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    let (locked,): (bool,) = sqlx::query_as::<$db, (bool,)>($lock)
                        .fetch_one(&mut *tx)
                        .await?;
                    if !locked {
                        tx.rollback().await?;
                        return Ok(None);
                    }
                    let mut doomed: Vec<i64> = Vec::new();
                    for band in &bands {
                        let ids: Vec<(i64,)> = sqlx::query_as::<$db, (i64,)>(
                            "DELETE FROM reports WHERE id IN (\
                               SELECT r.id FROM reports r \
                               WHERE r.received_at < $1 AND r.received_at >= $2 \
                               AND r.id < (SELECT MAX(r2.id) FROM reports r2 \
                                 WHERE r2.repository_id = r.repository_id AND r2.git_ref = r.git_ref \
                                 AND r2.received_at / $3 = r.received_at / $3) \
                               AND NOT EXISTS (SELECT 1 FROM units u WHERE u.latest_report_id = r.id)) \
                             RETURNING id",
                        )
                        .bind(band.until)
                        .bind(band.from)
                        .bind(band.bucket)
                        .fetch_all(&mut *tx)
                        .await?;
                        doomed.extend(ids.into_iter().map(|(id,)| id));
                    }
                    let deleted = doomed.len() as u64;
                    if deleted > 0 {
                        // Their check results and area scores, which carry no foreign key on
                        // PostgreSQL (schema 9); SQLite's cascade has already taken them.
                        for chunk in doomed.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                            for table in ["check_results", "area_scores"] {
                                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                                    "DELETE FROM {table} WHERE report_id IN ("
                                ));
                                let mut sep = qb.separated(", ");
                                for id in chunk {
                                    sep.push_bind(*id);
                                }
                                qb.push(")");
                                qb.build().execute(&mut *tx).await?;
                            }
                        }
                        // Fragments no remaining report uses (their findings go with them),
                        // with no upload in flight (they hold this lock shared).
                        sqlx::query::<$db>($fragments_exclusive).execute(&mut *tx).await?;
                        let dropped = sqlx::query::<$db>(
                            "DELETE FROM fragments WHERE body IS NOT NULL AND NOT EXISTS \
                             (SELECT 1 FROM check_results cr WHERE cr.fragment_id = fragments.id)",
                        )
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        let audit = $crate::store::AuditEntry {
                            detail: format!("{} fragments_deleted={dropped}", audit.detail),
                            ..audit
                        };
                        let audit = $crate::store::AuditEntry {
                            detail: format!("{} deleted={deleted}", audit.detail),
                            ..audit
                        };
                        $crate::store::sql::insert_audit!($db, &mut *tx, audit, audit.subject.clone());
                    }
                    tx.commit().await?;
                    Ok(Some(deleted))
                })
            }

            fn schema(&self) -> $crate::store::StoreFuture<'_, Vec<(String, String)>> {
                Box::pin(async move {
                    let mut columns = sqlx::query_as::<$db, (String, String)>($schema)
                        .fetch_all(self.reader())
                        .await?;
                    // In Rust, not by the database's collation (which may ignore `_`).
                    columns.sort();
                    Ok(columns)
                })
            }

            fn create_campaign(
                &self,
                spec: $crate::store::CampaignSpec,
                created_by: String,
                now: i64,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, i64> {
                Box::pin(async move {
                    let checks = $crate::store::sql::checks_json(&spec)?;
                    let mut tx = self.writer().begin().await?;
                    let (id,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                        "INSERT INTO campaigns (name, description, target_level, target_checks, \
                         filter_tier, filter_team, filter_area, filter_repository, deadline, deadline_at, \
                         created_by, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
                    )
                    .bind(&spec.name)
                    .bind(&spec.description)
                    .bind(&spec.target_level)
                    .bind(&checks)
                    .bind(spec.filter_tier)
                    .bind(&spec.filter_team)
                    .bind(&spec.filter_area)
                    .bind(&spec.filter_repository)
                    .bind(&spec.deadline)
                    .bind(spec.deadline_at)
                    .bind(&created_by)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("campaign:{id}"));
                    tx.commit().await?;
                    Ok(id)
                })
            }

            fn update_campaign(
                &self,
                id: i64,
                spec: $crate::store::CampaignSpec,
                now: i64,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, bool> {
                Box::pin(async move {
                    let checks = $crate::store::sql::checks_json(&spec)?;
                    let mut tx = self.writer().begin().await?;
                    let done = sqlx::query::<$db>(
                        "UPDATE campaigns SET name = $1, description = $2, target_level = $3, \
                         target_checks = $4, filter_tier = $5, filter_team = $6, filter_area = $7, \
                         filter_repository = $8, deadline = $9, deadline_at = $10, updated_at = $11 \
                         WHERE id = $12",
                    )
                    .bind(&spec.name)
                    .bind(&spec.description)
                    .bind(&spec.target_level)
                    .bind(&checks)
                    .bind(spec.filter_tier)
                    .bind(&spec.filter_team)
                    .bind(&spec.filter_area)
                    .bind(&spec.filter_repository)
                    .bind(&spec.deadline)
                    .bind(spec.deadline_at)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0;
                    if done {
                        $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("campaign:{id}"));
                    }
                    tx.commit().await?;
                    Ok(done)
                })
            }

            fn delete_campaign(
                &self,
                id: i64,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, bool> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    // Explicitly, not only by cascade: SQLite enforces foreign keys per connection.
                    sqlx::query::<$db>("DELETE FROM campaign_snapshots WHERE campaign_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    let done = sqlx::query::<$db>("DELETE FROM campaigns WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                        > 0;
                    if done {
                        $crate::store::sql::insert_audit!($db, &mut *tx, audit, format!("campaign:{id}"));
                    }
                    tx.commit().await?;
                    Ok(done)
                })
            }

            fn campaigns(
                &self,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::CampaignRow>> {
                Box::pin(async move {
                    let rows = sqlx::query_as::<$db, $crate::store::sql::CampaignTuple>(
                        $crate::store::sql::CAMPAIGN_SELECT,
                    )
                    .fetch_all(self.reader())
                    .await?;
                    rows.into_iter().map($crate::store::sql::campaign_row).collect()
                })
            }

            fn campaign(
                &self,
                id: i64,
            ) -> $crate::store::StoreFuture<'_, Option<$crate::store::CampaignRow>> {
                Box::pin(async move {
                    let row = sqlx::query_as::<$db, $crate::store::sql::CampaignTuple>(
                        $crate::store::sql::CAMPAIGN_SELECT_ONE,
                    )
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await?;
                    row.map($crate::store::sql::campaign_row).transpose()
                })
            }

            fn campaign_snapshots(
                &self,
                id: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::SnapshotRow>> {
                Box::pin(async move {
                    let rows: Vec<(i64, String, i64, i64, i64)> =
                        sqlx::query_as::<$db, (i64, String, i64, i64, i64)>(
                            "SELECT campaign_id, day, taken_at, in_scope, meeting \
                             FROM campaign_snapshots WHERE campaign_id = $1 ORDER BY day",
                        )
                        .bind(id)
                        .fetch_all(self.reader())
                        .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::SnapshotRow {
                            campaign_id: r.0,
                            day: r.1,
                            taken_at: r.2,
                            in_scope: r.3,
                            meeting: r.4,
                        })
                        .collect())
                })
            }

            fn put_snapshots(
                &self,
                rows: Vec<$crate::store::SnapshotRow>,
                audit: $crate::store::AuditEntry,
            ) -> $crate::store::StoreFuture<'_, ()> {
                Box::pin(async move {
                    let mut tx = self.writer().begin().await?;
                    for r in &rows {
                        sqlx::query::<$db>(
                            "INSERT INTO campaign_snapshots (campaign_id, day, taken_at, in_scope, meeting) \
                             SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM campaigns WHERE id = $1) \
                             ON CONFLICT (campaign_id, day) DO UPDATE SET taken_at = excluded.taken_at, \
                             in_scope = excluded.in_scope, meeting = excluded.meeting",
                        )
                        .bind(r.campaign_id)
                        .bind(&r.day)
                        .bind(r.taken_at)
                        .bind(r.in_scope)
                        .bind(r.meeting)
                        .execute(&mut *tx)
                        .await?;
                    }
                    $crate::store::sql::insert_audit!($db, &mut *tx, audit, audit.subject.clone());
                    tx.commit().await?;
                    Ok(())
                })
            }

            fn acquire_lease(
                &self,
                name: String,
                holder: String,
                now: i64,
                ttl: i64,
            ) -> $crate::store::StoreFuture<'_, bool> {
                Box::pin(async move {
                    let row: Option<(String,)> = sqlx::query_as::<$db, (String,)>(
                        "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
                         expires_at = excluded.expires_at \
                         WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder \
                         RETURNING holder",
                    )
                    .bind(&name)
                    .bind(&holder)
                    .bind(now.saturating_add(ttl))
                    .bind(now)
                    .fetch_optional(self.writer())
                    .await?;
                    Ok(row.is_some_and(|(h,)| h == holder))
                })
            }

            fn unsatisfied_checks(
                &self,
                filter: $crate::store::UnitFilter,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::Unsatisfied>> {
                Box::pin(async move {
                    let rows: Vec<(i64, String, String, String)> =
                        sqlx::query_as::<$db, (i64, String, String, String)>(
                            // `latest_failures` holds exactly the `fail`/`error` results of
                            // each unit's latest report (kept by the upload that makes a
                            // report the latest): a few rows a unit, where joining every
                            // latest result through its fragment read 72.
                            "SELECT lf.unit_id, c.check_id, lf.outcome, lf.severity FROM units u \
                             JOIN repositories p ON p.id = u.repository_id \
                             JOIN latest_failures lf ON lf.unit_id = u.id \
                             JOIN checks c ON c.id = lf.check_ref \
                             WHERE ($1 IS NULL OR p.name = $1) \
                             AND ($2 IS NULL OR u.owner = $2) AND ($3 IS NULL OR u.tier = $3) \
                             ORDER BY lf.unit_id, c.check_id",
                        )
                        .bind(&filter.repository)
                        .bind(&filter.owner)
                        .bind(filter.tier)
                        .fetch_all(self.reader())
                        .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::Unsatisfied {
                            unit_id: r.0,
                            check_id: r.1,
                            outcome: r.2,
                            severity: r.3,
                        })
                        .collect())
                })
            }

            fn level_groups(
                &self,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::LevelGroup>> {
                Box::pin(async move {
                    let rows: Vec<(Option<String>, Option<i64>, Option<String>, i64)> =
                        sqlx::query_as::<$db, (Option<String>, Option<i64>, Option<String>, i64)>(
                            "SELECT owner, tier, level, COUNT(*) FROM units \
                             GROUP BY owner, tier, level ORDER BY owner, tier, level",
                        )
                        .fetch_all(self.reader())
                        .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::LevelGroup {
                            owner: r.0,
                            tier: r.1,
                            level: r.2,
                            units: r.3,
                        })
                        .collect())
                })
            }

            fn block_groups(
                &self,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::BlockGroup>> {
                Box::pin(async move {
                    type Row = (Option<String>, Option<i64>, String, String, i64, i64);
                    let rows: Vec<Row> = sqlx::query_as::<$db, Row>(
                        // From the latest failures the uploads keep (a few rows a unit),
                        // grouped before the check ids are joined in.
                        "SELECT g.owner, g.tier, c.check_id, g.severity, g.n, g.first_unit FROM (\
                         SELECT u.owner AS owner, u.tier AS tier, lf.check_ref AS check_ref, \
                         lf.severity AS severity, COUNT(*) AS n, MIN(u.id) AS first_unit \
                         FROM units u JOIN latest_failures lf ON lf.unit_id = u.id \
                         GROUP BY u.owner, u.tier, lf.check_ref, lf.severity) g \
                         JOIN checks c ON c.id = g.check_ref",
                    )
                    .fetch_all(self.reader())
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::BlockGroup {
                            owner: r.0,
                            tier: r.1,
                            check_id: r.2,
                            severity: r.3,
                            units: r.4,
                            first_unit: r.5,
                        })
                        .collect())
                })
            }

            fn check_info(
                &self,
                check_id: String,
            ) -> $crate::store::StoreFuture<'_, Option<$crate::store::CheckInfoRow>> {
                Box::pin(async move {
                    let row: Option<(String, String, String, String)> =
                        sqlx::query_as::<$db, (String, String, String, String)>(
                            "SELECT check_id, title, area, severity FROM checks WHERE check_id = $1",
                        )
                        .bind(&check_id)
                        .fetch_optional(self.reader())
                        .await?;
                    Ok(row.map(|r| $crate::store::CheckInfoRow {
                        check_id: r.0,
                        title: r.1,
                        area: r.2,
                        severity: r.3,
                    }))
                })
            }

            fn latest_findings(
                &self,
                check_id: String,
                units: Vec<i64>,
                per_unit: i64,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::FindingRow>> {
                Box::pin(async move {
                    let mut out = Vec::new();
                    for chunk in units.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "SELECT u.id, fi.path, fi.line, fi.message FROM units u \
                             JOIN check_results cr ON cr.report_id = u.latest_report_id AND cr.unit_id = u.id \
                             JOIN fragments f ON f.id = cr.fragment_id \
                             JOIN findings fi ON fi.fragment_id = f.id \
                             WHERE f.check_ref = (SELECT id FROM checks WHERE check_id = ",
                        );
                        qb.push_bind(check_id.clone());
                        qb.push(") AND fi.seq < ");
                        qb.push_bind(per_unit);
                        qb.push(" AND u.id IN (");
                        let mut sep = qb.separated(", ");
                        for id in chunk {
                            sep.push_bind(*id);
                        }
                        qb.push(") ORDER BY u.id, fi.seq");
                        let rows: Vec<(i64, Option<String>, Option<i64>, String)> =
                            qb.build_query_as().fetch_all(self.reader()).await?;
                        out.extend(rows.into_iter().map(|r| $crate::store::FindingRow {
                            unit_id: r.0,
                            path: r.1,
                            line: r.2,
                            message: r.3,
                        }));
                    }
                    Ok(out)
                })
            }

            fn fragment_bodies(
                &self,
                ids: Vec<i64>,
            ) -> $crate::store::StoreFuture<'_, Vec<(i64, Option<Vec<u8>>)>> {
                Box::pin(async move {
                    let mut out = Vec::with_capacity(ids.len());
                    for chunk in ids.chunks($crate::store::sql::CHECK_ROWS_PER_INSERT) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "SELECT id, body FROM fragments WHERE id IN (",
                        );
                        let mut sep = qb.separated(", ");
                        for id in chunk {
                            sep.push_bind(*id);
                        }
                        qb.push(")");
                        let rows: Vec<(i64, Option<Vec<u8>>)> =
                            qb.build_query_as().fetch_all(self.reader()).await?;
                        out.extend(rows);
                    }
                    Ok(out)
                })
            }

            fn check_catalog(
                &self,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::CheckInfoRow>> {
                Box::pin(async move {
                    let rows: Vec<(String, String, String, String)> =
                        sqlx::query_as::<$db, (String, String, String, String)>(
                            "SELECT check_id, title, area, severity FROM checks ORDER BY check_id",
                        )
                        .fetch_all(self.reader())
                        .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::CheckInfoRow {
                            check_id: r.0,
                            title: r.1,
                            area: r.2,
                            severity: r.3,
                        })
                        .collect())
                })
            }

            fn check_outcome_counts(
                &self,
                check_id: String,
            ) -> $crate::store::StoreFuture<'_, Vec<(String, i64)>> {
                Box::pin(async move {
                    Ok(sqlx::query_as::<$db, (String, i64)>(
                        "SELECT f.outcome, COUNT(*) FROM fragments f \
                         JOIN check_results cr ON cr.fragment_id = f.id \
                         JOIN units u ON u.latest_report_id = cr.report_id AND u.id = cr.unit_id \
                         WHERE f.check_ref = (SELECT id FROM checks WHERE check_id = $1) \
                         GROUP BY f.outcome ORDER BY f.outcome",
                    )
                    .bind(&check_id)
                    .fetch_all(self.reader())
                    .await?)
                })
            }

            fn check_failures(
                &self,
                check_id: String,
            ) -> $crate::store::StoreFuture<'_, Vec<$crate::store::CheckFailure>> {
                Box::pin(async move {
                    let rows: Vec<(i64, String, i64, i64)> =
                        sqlx::query_as::<$db, (i64, String, i64, i64)>(
                            "SELECT x.unit_id, x.outcome, x.since_report, r.received_at FROM (\
                               SELECT cr.unit_id, f.outcome, \
                               (SELECT MIN(h.report_id) FROM check_results h \
                                JOIN fragments hf ON hf.id = h.fragment_id \
                                WHERE hf.check_ref = f.check_ref AND h.unit_id = cr.unit_id \
                                AND hf.outcome IN ('fail', 'error') \
                                AND h.report_id > COALESCE((SELECT MAX(ok.report_id) FROM check_results ok \
                                  JOIN fragments okf ON okf.id = ok.fragment_id \
                                  WHERE okf.check_ref = f.check_ref AND ok.unit_id = cr.unit_id \
                                  AND okf.outcome NOT IN ('fail', 'error')), 0)) AS since_report \
                               FROM units u \
                               JOIN check_results cr ON cr.report_id = u.latest_report_id AND cr.unit_id = u.id \
                               JOIN fragments f ON f.id = cr.fragment_id \
                               WHERE f.check_ref = (SELECT id FROM checks WHERE check_id = $1) \
                               AND f.outcome IN ('fail', 'error')) x \
                             JOIN reports r ON r.id = x.since_report \
                             ORDER BY r.received_at, x.unit_id",
                        )
                        .bind(&check_id)
                        .fetch_all(self.reader())
                        .await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| $crate::store::CheckFailure {
                            unit_id: r.0,
                            outcome: r.1,
                            since_report: r.2,
                            since: r.3,
                        })
                        .collect())
                })
            }

        }
    };
}

/// Inserts an audit entry inside a transaction; `subject` overrides the entry's.
macro_rules! insert_audit {
    ($db:ty, $conn:expr, $audit:expr, $subject:expr) => {
        sqlx::query::<$db>(
            "INSERT INTO audit_log (at, token_id, actor, action, subject, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($audit.at)
        .bind($audit.token_id)
        .bind(&$audit.actor)
        .bind(&$audit.action)
        .bind($subject)
        .bind(&$audit.detail)
        .execute($conn)
        .await?
    };
}

pub(super) use impl_store;
pub(super) use insert_audit;

pub(super) type TokenTuple = (
    i64,
    String,
    Vec<u8>,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

pub(super) fn token_row(r: TokenTuple) -> super::TokenRow {
    super::TokenRow {
        id: r.0,
        name: r.1,
        hash: r.2,
        scope: r.3,
        repo_glob: r.4,
        created_at: r.5,
        expires_at: r.6,
        last_used_at: r.7,
        revoked_at: r.8,
    }
}

pub(super) type UnitTuple = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<f64>,
    Option<i64>,
);

pub(super) fn unit_row(r: UnitTuple) -> super::UnitRow {
    super::UnitRow {
        id: r.0,
        repository: r.1,
        path: r.2,
        name: r.3,
        kind: r.4,
        owner: r.5,
        tier: r.6,
        level: r.7,
        score: r.8,
        latest_report_id: r.9,
    }
}

pub(super) const CAMPAIGN_SELECT_ONE: &str = "SELECT id, name, description, target_level, target_checks, \
     filter_tier, filter_team, filter_area, filter_repository, deadline, deadline_at, created_by, \
     created_at, updated_at FROM campaigns WHERE id = $1";
pub(super) const CAMPAIGN_SELECT: &str = "SELECT id, name, description, target_level, target_checks, \
     filter_tier, filter_team, filter_area, filter_repository, deadline, deadline_at, created_by, \
     created_at, updated_at FROM campaigns ORDER BY id";

pub(super) type CampaignTuple = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    i64,
    i64,
);

/// A campaign's check ids as stored: a JSON array of strings.
pub(super) fn checks_json(spec: &super::CampaignSpec) -> super::StoreResult<Option<String>> {
    spec.target_checks
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| super::StoreError::Config(format!("campaign checks: {e}")))
}

pub(super) fn campaign_row(r: CampaignTuple) -> super::StoreResult<super::CampaignRow> {
    let target_checks = r
        .4
        .as_deref()
        .map(serde_json::from_str::<Vec<String>>)
        .transpose()
        .map_err(|e| super::StoreError::Config(format!("campaign {}: stored checks: {e}", r.0)))?;
    Ok(super::CampaignRow {
        id: r.0,
        spec: super::CampaignSpec {
            name: r.1,
            description: r.2,
            target_level: r.3,
            target_checks,
            filter_tier: r.5,
            filter_team: r.6,
            filter_area: r.7,
            filter_repository: r.8,
            deadline: r.9,
            deadline_at: r.10,
        },
        created_by: r.11,
        created_at: r.12,
        updated_at: r.13,
    })
}

/// A JSON value, deflate-compressed.
pub(super) fn deflate_json(v: &serde_json::Value) -> super::StoreResult<Vec<u8>> {
    let bytes = serde_json::to_vec(v)
        .map_err(|e| super::StoreError::Config(format!("serialising a report body: {e}")))?;
    crate::ingest::deflate(&bytes).map_err(|e| super::StoreError::Config(e.to_string()))
}
