//! Engine behaviour: positions, redaction never leaking a secret, false-positive controls,
//! allow comments, path allowlist, binary files, baselines and custom rules.

use shipshape_secrets::synth::{Rng, expand};
use shipshape_secrets::{Baseline, CustomRule, Engine, Error};

fn engine() -> Engine {
    Engine::new(&[], &[]).expect("built-in rules compile")
}

fn planted(seed: u64) -> String {
    expand("ghp_{an:36}", &mut Rng::new(seed)).text
}

#[test]
fn engine_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Engine>();
}

#[test]
fn reports_one_based_line_and_character_column() {
    let secret = planted(1);
    let text = format!("first line\n# é comment\n  token: «{secret}»\n");
    let found = engine().scan("cfg.yaml", text.as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert_eq!(
        (m.rule_id.as_str(), m.line, m.end_line),
        ("github-pat", 3, 3)
    );
    // `  token: «` is 10 characters (the guillemet is one character, two bytes).
    assert_eq!(m.column, 11);
    assert_eq!(&text.as_bytes()[m.start..m.end], secret.as_bytes());
    assert_eq!(m.redacted, "ghp_…(40 chars)");
    assert_eq!(m.snippet, "  token: «ghp_…(40 chars)»");
    assert_eq!(m.fingerprint.len(), 64);
}

#[test]
fn no_output_form_contains_the_secret() {
    let secrets = [
        planted(2),
        expand("sk_live_{an:30}", &mut Rng::new(3)).text,
        expand("{pw:16}", &mut Rng::new(4)).text,
    ];
    let text = format!(
        "GITHUB_TOKEN={} STRIPE={}\ndb_password = \"{}\"\n",
        secrets[0], secrets[1], secrets[2]
    );
    let found = engine().scan("app.env", text.as_bytes());
    assert_eq!(found.len(), 3, "{found:?}");
    let json = serde_json::to_string(&found).expect("serialises");
    let debug = format!("{found:?}");
    let display: String = found.iter().map(|m| format!("{m}\n")).collect();
    let finding = format!(
        "{:?}",
        found.iter().map(|m| m.to_finding()).collect::<Vec<_>>()
    );
    let baseline = Baseline::from_matches(&found).to_json();
    for s in &secrets {
        for (what, out) in [
            ("json", &json),
            ("debug", &debug),
            ("display", &display),
            ("finding", &finding),
            ("baseline", &baseline),
        ] {
            assert!(!out.contains(s.as_str()), "{what} output leaks a secret");
        }
    }
    // Two secrets on one line: each snippet redacts both.
    assert!(
        found[0].snippet.contains("ghp_…(40 chars)")
            && found[0].snippet.contains("sk_l…(38 chars)")
    );
}

#[test]
fn false_positive_controls() {
    let text = [
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "stripe_key = sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        "api_key = \"${API_KEY}\"",
        "token: {{ .Values.token }}",
        "password = os.environ[\"DB_PASSWORD\"]",
        "const secret = process.env.JWT_SECRET;",
        "export TOKEN=$TOKEN",
        "api_key = \"<your-api-key>\"",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "password: changeme",
        "secret: example-secret-value-123",
        "token = \"dummy-token-1234\"",
        "client_secret = REDACTED_REDACTED",
        "api_key = \"1234567890abcdef1234567890abcdef\"",
        "secret_key = \"aaaaaaaaaaaaaaaaaaaaaaaa\"",
        "\"integrity\": \"sha512-3T2AxxR3Ftwq4G5SPMZQ8lYkq9bWq3cEr2ppb7hnBFCkW1FPnp1sSh5KTVEHjTb6ZYzt7sQ6nWCWZ1ykHgSjBg==\",",
        "commit_token_sha = \"8f3c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a\"",
        "session_token_id = \"6fa459ea-ee8a-3ca4-894e-db77e160355e\"",
        "-----BEGIN PUBLIC KEY-----",
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0",
        "-----END PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----",
        "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTESMBAGA1UEChMJQmFsdGltb3JlMRMwEQYDVQQL",
        "-----END CERTIFICATE-----",
        "DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app",
        "password = self.password",
        "token_url = \"https://auth.acme.io/oauth/token\"",
        // Maven wrapper (mvnw, mvnw.cmd in spring-petclinic and every Maven project).
        "case \"${MVNW_PASSWORD:+has-password}\" in",
        "  $webclient.Credentials = New-Object System.Net.NetworkCredential($env:MVNW_USERNAME, $env:MVNW_PASSWORD)",
    ]
    .join("\n");
    let found = engine().scan("decoys.txt", text.as_bytes());
    assert!(found.is_empty(), "decoys reported: {found:#?}");
}

#[test]
fn algolia_search_only_keys_in_docsearch_configs_are_public() {
    // Shapes met in thanos (website/layouts/partials/searchConfig/*.html) and in every
    // Docusaurus site's `themeConfig.algolia`.
    let key = "649aaeb84811844d97cb5aa0398b94d9";
    let docsearch = format!(
        "<script>docsearch({{\n  apiKey: '{key}',\n  indexName: 'thanos',\n  inputSelector: '#q',\n}});</script>\n"
    );
    assert!(
        engine()
            .scan("site/search.html", docsearch.as_bytes())
            .is_empty()
    );
    let docusaurus = format!(
        "themeConfig: {{\n  algolia: {{\n    appId: 'BH4D9OD16A',\n    apiKey: '{key}',\n    indexName: 'docs',\n  }},\n}}\n"
    );
    assert!(
        engine()
            .scan("docusaurus.config.js", docusaurus.as_bytes())
            .is_empty()
    );
    // Without the search configuration around it, the same assignment is a secret;
    // and an admin key is never taken for a search key.
    let bare = format!("const client = make({{ apiKey: '{key}' }});\n");
    assert_eq!(engine().scan("app.js", bare.as_bytes()).len(), 1);
    let admin = format!("algolia:\n  indexName: docs\n  admin_api_key: \"{key}\"\n");
    assert_eq!(engine().scan("indexer.yaml", admin.as_bytes()).len(), 1);
}

#[test]
fn allow_comment_suppresses_only_its_line() {
    let (a, b) = (planted(5), planted(6));
    let text = format!("t1 = \"{a}\"  # shipshape:allow\nt2 = \"{b}\"\n");
    let found = engine().scan("x.py", text.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 2);
}

#[test]
fn path_allowlist_skips_files_and_rejects_bad_globs() {
    let e = Engine::new(&[], &["**/testdata/**".to_string()]).expect("valid glob");
    let text = format!("token={}\n", planted(7));
    assert!(e.scan("pkg/testdata/creds.txt", text.as_bytes()).is_empty());
    assert_eq!(e.scan("pkg/creds.txt", text.as_bytes()).len(), 1);
    let err = Engine::new(&[], &["a/[b".to_string()]).unwrap_err();
    assert!(matches!(err, Error::BadGlob { .. }));
    assert!(err.to_string().contains("a/[b"), "{err}");
}

#[test]
fn binary_files_only_yield_private_keys() {
    let mut rng = Rng::new(8);
    let key = expand(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{pem:6}\n-----END OPENSSH PRIVATE KEY-----\n",
        &mut rng,
    )
    .text;
    let mut bytes = vec![0u8, 1, 2, 3];
    bytes.extend_from_slice(format!("token={}\n", planted(9)).as_bytes());
    bytes.extend_from_slice(key.as_bytes());
    let found = engine().scan("blob.bin", &bytes);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule_id, "openssh-private-key");
    assert_eq!((found[0].line, found[0].end_line), (3, 8));
}

#[test]
fn specific_rules_win_over_generic_ones() {
    let text = format!("GITHUB_TOKEN = \"{}\"\n", planted(10));
    let found = engine().scan("a.py", text.as_bytes());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule_id, "github-pat");
}

#[test]
fn baseline_filters_known_matches_and_round_trips() {
    let e = engine();
    let old = format!("a = \"{}\"\n", planted(11));
    let known = e.scan("a.py", old.as_bytes());
    let baseline = Baseline::from_matches(&known);
    let json = baseline.to_json();
    let loaded = Baseline::from_json(&json, ".shipshape-secrets-baseline.json").expect("parses");
    assert_eq!(loaded, baseline);
    // The same secret on another line is still known; a new one is not.
    let new = format!("# moved\n{old}b = \"{}\"\n", planted(12));
    let remaining = loaded.filter(e.scan("a.py", new.as_bytes()));
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0].line, 3);
    let err = Baseline::from_json("{\"version\": 9, \"entries\": {}}", "b.json").unwrap_err();
    assert!(
        err.to_string().contains("b.json") && err.to_string().contains("version 9"),
        "{err}"
    );
}

#[test]
fn custom_rules_run_first_and_are_validated() {
    let rule = CustomRule {
        id: "acme-internal-token".into(),
        description: "ACME internal token".into(),
        regex: r"\b(acme_[a-z0-9]{24})\b".into(),
        keywords: vec!["ACME_".into()],
        entropy: Some(3.0),
    };
    let e = Engine::new(std::slice::from_ref(&rule), &[]).expect("valid rule");
    let token = expand("acme_{lo:24}", &mut Rng::new(13)).text;
    let found = e.scan("svc.toml", format!("api_token = \"{token}\"\n").as_bytes());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule_id, "acme-internal-token");
    assert!(e.rules()[0].custom && e.keywords().contains(&"acme_".to_string()));

    let bad = CustomRule {
        regex: r"(acme_[a-z".into(),
        ..rule.clone()
    };
    let err = Engine::new(&[bad], &[]).unwrap_err().to_string();
    assert!(
        err.contains("acme-internal-token") && err.contains("invalid regex"),
        "{err}"
    );
    let dup = CustomRule {
        id: "github-pat".into(),
        ..rule.clone()
    };
    assert!(
        Engine::new(&[dup], &[])
            .unwrap_err()
            .to_string()
            .contains("already used")
    );
    let ugly = CustomRule {
        id: "Acme Token".into(),
        ..rule
    };
    assert!(
        Engine::new(&[ugly], &[])
            .unwrap_err()
            .to_string()
            .contains("kebab-case")
    );
    let parsed: CustomRule =
        serde_json::from_str(r#"{"id": "x-token", "regex": "x_([a-z]{10})", "keywords": ["x_"]}"#)
            .expect("description and entropy are optional");
    assert_eq!(parsed.entropy, None);
}

/// Generic rules fired on code and text in repositories nobody tuned for (the ecosystem
/// check): a field read in grafana/loki's operator (`ClientSecret:
/// secret.OIDCSecret.ClientSecret,`), a Kubernetes field selector in
/// kube-prometheus-stack's values (`secretFieldSelector: "type!=…"`), an image name
/// (`quay.io/observatorium/token-refresher:master-…`), and excalidraw's translation
/// catalogs (`"invalidEncryptionKey": "Verschlüsselungsschlüssel muss …"`). A real
/// literal beside them is still found, and so is a provider token in a catalog.
#[test]
fn references_selectors_image_names_and_translations_are_not_secrets() {
    let code = [
        "\t\t\t\tClientSecret: secret.OIDCSecret.ClientSecret,",
        "\tfooToken = cfg.FooToken",
        "  secretFieldSelector: \"type!=kubernetes.io/dockercfg,type!=kubernetes.io/service-account-token\"",
        "        image: quay.io/observatorium/token-refresher:master-2024-12-11-08b888a",
    ]
    .join("\n");
    let found = engine().scan("internal/manifests/gateway.go", code.as_bytes());
    assert!(found.is_empty(), "decoys reported: {found:#?}");

    let de = "{\n  \"invalidEncryptionKey\": \"Verschlüsselungsschlüssel muss 22 Zeichen lang sein.\",\n  \"password\": \"Passwort vergessen\"\n}\n";
    assert!(
        engine()
            .scan("packages/excalidraw/locales/de-DE.json", de.as_bytes())
            .is_empty()
    );
    // Non-ASCII words are text anywhere, not only in catalogs.
    assert!(
        engine()
            .scan(
                "app/strings.go",
                "password := \"Šifrovací123\"\n".as_bytes()
            )
            .is_empty()
    );

    let real = "client_secret = \"q8Zr2Lx9Vm4Tn7Kp3Wd6Hs1Jf5Gb0Yc\"\n";
    assert_eq!(engine().scan("config/prod.py", real.as_bytes()).len(), 1);
    let token = format!("{{\"key\": \"{}\"}}\n", planted(7));
    assert!(
        !engine()
            .scan("locales/en.json", token.as_bytes())
            .is_empty(),
        "provider tokens count in catalogs"
    );
}

/// In program source a committed literal is quoted; unquoted values after a
/// secret-sounding name are expressions: grafana/loki's `bearerToken: *bearerToken,` and
/// `AccessKeySecret: *cred.AccessKeySecret,` (Go), maybe-finance/maybe's `@api_key.key =
/// @plain_key` and `find_by(token: token&.downcase)` (Ruby). A quoted literal in the same
/// files is found, and an unquoted one in a shell or .env file still is.
#[test]
fn unquoted_values_in_program_source_are_expressions() {
    let go = "\t\tbearerToken:     *bearerToken,\n\t\tAccessKeySecret: *cred.AccessKeySecret,\n";
    assert!(engine().scan("pkg/client/oss.go", go.as_bytes()).is_empty());
    let rb =
        "    @api_key.key = @plain_key\n      if invite_code = find_by(token: token&.downcase)\n";
    assert!(
        engine()
            .scan("app/controllers/keys_controller.rb", rb.as_bytes())
            .is_empty()
    );
    let quoted = "\tclientSecret := \"q8Zr2Lx9Vm4Tn7Kp3Wd6Hs1Jf5Gb0Yc\"\n";
    assert_eq!(
        engine().scan("pkg/client/oss.go", quoted.as_bytes()).len(),
        1
    );
    let env = "CLIENT_SECRET=q8Zr2Lx9Vm4Tn7Kp3Wd6Hs1Jf5Gb0Yc\n";
    assert_eq!(engine().scan("deploy/run.sh", env.as_bytes()).len(), 1);
}

/// A credential inside a longer string literal of program source is still a literal: a
/// DSN `"host=db user=app password=…"` is found; tokio-rs/axum's test body
/// `b"username=user&password=secure%20password"` is a value in a string too (it warns as
/// test code in the scan, see security/no-committed-secrets).
#[test]
fn values_inside_string_literals_of_program_source_are_literals() {
    let py = "DSN = \"host=db user=app password=q8Zr2Lx9Vm4Tn7Kp3Wd6Hs1Jf5Gb0Yc\"\n";
    assert_eq!(engine().scan("app/db.py", py.as_bytes()).len(), 1);
    let rs = "    let dsn = format!(\"password=q8Zr2Lx9Vm4Tn7Kp3Wd6Hs1Jf5Gb0Yc\");\n";
    assert_eq!(engine().scan("src/db.rs", rs.as_bytes()).len(), 1);
    // An escaped quote does not close the string.
    let js = "const s = \"a \\\" password=q8Zr2Lx9Vm4Tn7Kp3Wd6Hs1Jf5Gb0Yc\";\n";
    assert_eq!(engine().scan("src/db.js", js.as_bytes()).len(), 1);
}

/// #13, held-out repositories scanned for the first time: each of these was a false
/// *critical* failure of `security/no-committed-secrets` (listmonk, mealie, umami, saleor,
/// signalapp/Signal-Server, jellyfin, memos, meilisearch, BookStack). The shapes are
/// written here the way those files write them; the real secret beside each decoy is
/// still found.
#[test]
fn names_formats_routes_and_default_passwords_are_not_secrets() {
    let decoys = [
        // A format string filled in later; a header name under a camel-case name.
        (
            "cmd/auth.go",
            "\turl := fmt.Sprintf(\"%s/admin/reset?token=%s&email=%s\", root, t, e)",
        ),
        (
            "bounce/azure.go",
            "\t\tdefaultSecretHeader = \"X-Acme-Webhook-Secret\"",
        ),
        // Header and claim names, an RPC route, a negated binding, a sentence.
        (
            "util/HeaderUtils.java",
            "  public static final String GROUP_SEND_TOKEN = \"Group-Send-Token\";",
        ),
        (
            "Api/Constants/ClaimTypes.cs",
            "    public const string Token = \"Acme-Token\";",
        ),
        (
            "gen/auth.connect.go",
            "\tAuthServiceRefreshTokenProcedure = \"/acme.api.v1.AuthService/RefreshToken\"",
        ),
        (
            "pages/profile/edit.vue",
            "  @click:append=\"showPassword = !showPassword\"",
        ),
        // lobsters (#13): a Rails route's `controller#action` target.
        (
            "config/routes.rb",
            "  post \"/login/reset_password\" => \"login#reset_password\",",
        ),
        (
            "plugins/email/constants.py",
            "SET_STAFF_PASSWORD_DEFAULT_SUBJECT = \"You are invited to join Acme\"",
        ),
        // A reference to a secret store, written as a URI.
        (
            "service/config/app.yml",
            "tlsKeyStore:\n  password: secret://tlsKeyStore.password",
        ),
        // Bundled databases' defaults: the password repeats the user, or is made of words.
        (
            "docker-compose.yml",
            "      DATABASE_URL: postgresql://acme:acme@db:5432/acme",
        ),
        (
            "settings.py",
            "    default=\"postgres://shop:shop@localhost:5432/shop\",",
        ),
        (
            "docker-compose.yml",
            "      TEST_DATABASE_URL: mysql://books-test:books-test@db/books-test",
        ),
        (
            "README.md",
            "postgresql://username:mypassword@localhost:5432/mydb",
        ),
        ("values.yaml", "  rootPassword: supersecretpassword"),
        (
            "settings.py",
            "# default=\"postgres://shop_read_only:shop@localhost:5432/shop\",",
        ),
        (
            "storage/AccountsManager.java",
            "  static final String LINK_DEVICE_TOKEN_ALGORITHM = \"HmacSHA256\";",
        ),
        // An analytics write key, shipped in the client on purpose.
        (
            "analytics/segment.rs",
            "const SEGMENT_API_KEY: &str = \"Q4FWhhEsJiEDCuEHpmcN9DHcK4hVfBvb\";",
        ),
        // An example inside documentation text kept in a string.
        (
            "routes/openapi.rs",
            "\"Include the key:\\n```js\\nconst client = new Client({ apiKey: '7436fc5237b0d6e0d64253fbaac21d135012ecf1' });\\n```\"",
        ),
    ];
    for (path, text) in decoys {
        let found = engine().scan(path, text.as_bytes());
        assert!(found.is_empty(), "{path}: {text}\n{found:#?}");
    }
    let real = [
        (
            "config/prod.go",
            "\twebhookSecret = \"q8Zr2Lx9Vm4Tn7Kp3Wd6Hs1Jf5Gb0Yc\"",
        ),
        (
            "config/db.env",
            "DATABASE_URL=postgres://shop:Tq9vLx2mWr7Kz4Pn@db.internal:5432/shop",
        ),
        (
            "analytics/billing.rs",
            "const STRIPE_API_KEY: &str = \"Q4FWhhEsJiEDCuEHpmcN9DHcK4hVfBvb\";",
        ),
        // BookStack's `app/Config/app.php`: a literal fallback when APP_KEY is unset.
        (
            "app/Config/app.php",
            "    'key' => env('APP_KEY', 'Rb7ZchsQy4uBTU33RubBzLKw203yqSqr'),",
        ),
        (
            "settings.py",
            "SECRET_KEY = os.environ.get(\"DJANGO_SECRET_KEY\", \"k2#9vLq7Wm4Tz8Rn5Xp1Hs6Jd3Gb0Yc\")",
        ),
    ];
    for (path, text) in real {
        let found = engine().scan(path, text.as_bytes());
        assert_eq!(found.len(), 1, "{path}: {text}\n{found:#?}");
    }
    // A fallback that is a placeholder, or no fallback, is not a secret.
    for text in [
        "'key' => env('APP_KEY', 'SomeRandomString'),",
        "'key' => env('APP_KEY'),",
        "password = os.getenv('DB_PASSWORD', 'changeme123')",
    ] {
        assert!(
            engine().scan("app.php", text.as_bytes()).is_empty(),
            "{text}"
        );
    }
}

/// livebook (#13): `bun.lock` lines name packages (`comma-separated-tokens`, `js-tokens`)
/// beside integrity hashes; no lock file line is a name assigned a secret. A
/// provider-format token in a lock file still counts.
#[test]
fn lock_files_hold_package_names_and_hashes_not_secrets() {
    let bun = "    \"comma-separated-tokens\": [\"comma-separated-tokens@2.0.3\", \"\", {}, \"sha512-Fu4hJdvzeylCfQPp9SGWidpzrMs7tTrlu6Vb8XGaRGck8QSNZJJp538Wrb60Lax4fPwR64ViY468OIUTbRlGZg==\"],\n";
    assert!(engine().scan("assets/bun.lock", bun.as_bytes()).is_empty());
    // A GitHub token in a resolved URL is still a committed secret.
    let token = format!(
        "\"resolved\": \"https://x/{}\"\n",
        ["ghp_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"].concat()
    );
    assert!(
        !engine()
            .scan("package-lock.json", token.as_bytes())
            .is_empty()
    );
}
