//! Test support shared by the integration tests: a fresh PostgreSQL database.

use std::io::Write;

/// A fresh database on the PostgreSQL named by `SHIPSHAPE_TEST_POSTGRES_URL`, or
/// `None` (with a visible message) when it is not set; under `CI` a missing URL fails.
pub async fn fresh_postgres() -> Option<String> {
    let Ok(url) = std::env::var("SHIPSHAPE_TEST_POSTGRES_URL") else {
        if std::env::var_os("CI").is_some() {
            panic!("SHIPSHAPE_TEST_POSTGRES_URL must be set in CI (.ci/run starts a PostgreSQL)");
        }
        // Straight to the process's stderr: libtest captures `eprintln!` of passing tests,
        // and a skip must be visible.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: SHIPSHAPE_TEST_POSTGRES_URL not set (the PostgreSQL suite did not run)"
        );
        return None;
    };
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect to SHIPSHAPE_TEST_POSTGRES_URL");
    let name = format!(
        "shipshape_test_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b.to_string(), format!("?{q}")),
        None => (url.clone(), String::new()),
    };
    let base = match base.rfind('/') {
        Some(i) if base[..i].ends_with('/') => base.clone(), // no database in the URL
        Some(i) => base[..i].to_string(),
        None => base.clone(),
    };
    Some(format!("{}/{name}{query}", base.trim_end_matches('/')))
}
