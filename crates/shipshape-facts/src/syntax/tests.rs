//! Per language and per signal: fixtures modelled on real code, each test named after
//! the bug it pins; and the properties that the layer never panics and never adds a hit.

use super::*;
use crate::signals::{SignalHit, SignalKind, scan_with};

fn hits(path: &str, src: &str) -> Vec<SignalHit> {
    let mut out = vec![];
    scan_with(path, src.as_bytes(), true, &mut out);
    out
}

/// Lines of the hits of one kind.
fn lines(path: &str, src: &str, kind: SignalKind) -> Vec<u32> {
    hits(path, src)
        .into_iter()
        .filter(|h| h.kind == kind)
        .map(|h| h.line)
        .collect()
}

fn routes(path: &str, src: &str) -> Vec<u32> {
    lines(path, src, SignalKind::HealthRoute)
}

fn clients(path: &str, src: &str) -> Vec<u32> {
    lines(path, src, SignalKind::HttpClient)
}

/// (line, opt-in condition) of the TLS hits.
fn tls(path: &str, src: &str) -> Vec<(u32, Option<String>)> {
    hits(path, src)
        .into_iter()
        .filter(|h| h.kind == SignalKind::TlsVerifyDisabled)
        .map(|h| (h.line, h.opt_in))
        .collect()
}

// ---- health routes ----------------------------------------------------------------

/// miniflux/v2's client/client.go: the API client package requests `/healthcheck`, which
/// made its module a service with a health route.
#[test]
fn api_client_calling_healthcheck_is_not_a_health_route() {
    let go = r#"package client

func (c *Client) Healthcheck() error {
	body, err := c.request.Get(ctx, "/healthcheck")
	if err != nil {
		return err
	}
	resp, err := http.Get(c.baseURL + "/healthcheck")
	_, _ = http.Get("/health")
	return nil
}
"#;
    assert_eq!(routes("client/client.go", go), Vec::<u32>::new());
}

#[test]
fn go_route_registrations_are_health_routes() {
    let go = r#"package server

func routes() {
	mux.HandleFunc("/healthz", livenessProbe)
	http.Handle("/readyz", h)
	r.GET("/ping", func(c *gin.Context) {})
	e.GET("/health", health)
	r.Get("/livez", live)
	app.Get("/ready", func(c *fiber.Ctx) error { return nil })
	s.router.HandleFunc(s.prefixedPath("/healthz"), s.healthzHandler).Methods("GET")
	t.Server.HTTP.Path("/ready").Methods("GET").Handler(t.readyHandler(sm))
	mux.HandleFunc(prefix+"/health", h)
	switch r.URL.Path {
	case "/healthz":
		w.WriteHeader(200)
	}
}
"#;
    assert_eq!(
        routes("pkg/server/routes.go", go),
        vec![4, 5, 6, 7, 8, 9, 10, 11, 12, 14]
    );
}

/// grafana/loki's operator builds probe manifests (`Path: "/ready"`) and keeps the path
/// in a constant; podinfo's generated OpenAPI document lists `"/healthz"` inside a Go
/// string; its fault injection compares a local `p`. None registers a route.
#[test]
fn health_paths_in_manifests_constants_and_documents_are_not_routes() {
    let go = "package manifests\n\nconst lokiReadinessPath = \"/ready\"\n\nvar probe = corev1.HTTPGetAction{\n\tPath:   \"/ready\",\n\tPort:   intstr.FromInt(3100),\n}\n\nconst doc = `{\n  \"paths\": {\n    \"/healthz\": {\n      \"get\": {}\n    }\n  }\n}`\n\nfunc f(p string) bool {\n\tswitch {\n\tcase p == \"/healthz\", p == \"/readyz\":\n\t\treturn true\n\t}\n\treturn false\n}\n";
    assert_eq!(
        routes("operator/internal/manifests/var.go", go),
        Vec::<u32>::new()
    );
}

#[test]
fn python_decorators_and_url_confs_are_health_routes() {
    let py = r#"from fastapi import APIRouter

@router.get("/health-check/")
async def health_check() -> bool:
    return True

@app.route("/healthz", methods=["GET"])
def healthz():
    return "ok"

urlpatterns = [
    path("healthz/", views.health),
    re_path(r"^ready/$", views.ready),
]
app.add_url_rule("/livez", view_func=live)
app.router.add_get("/ping", ping)

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            self.send_response(200)
"#;
    assert_eq!(
        routes("app/api/routes.py", py),
        vec![3, 7, 12, 13, 15, 16, 20]
    );
}

/// saleor/asgi/__init__.py serves `/health/` from an ASGI middleware wrapping the
/// application; a helper that waits for a client's health is no route.
#[test]
fn health_middleware_wrapping_the_application_is_a_health_route() {
    let py = "application = get_asgi_application()\napplication = health_check(application, \"/health/\")\nwait_for_health(client, \"/health\")\n";
    assert_eq!(routes("saleor/asgi/__init__.py", py), vec![2]);
}

/// A Python client requesting a health path, a test client, and a docstring that shows a
/// route: none is a route of this code.
#[test]
fn python_clients_and_docstrings_are_not_health_routes() {
    let py = r#"def wait_ready(base):
    """Poll the service.

    Mirrors @app.get("/health") on the server side.
    """
    r = requests.get(base + "/health", timeout=5)
    r = requests.get("/health", timeout=5)
    r = self.client.get("/healthz")
    r = session.get("/ready", headers)
"#;
    assert_eq!(routes("sdk/wait.py", py), Vec::<u32>::new());
}

#[test]
fn javascript_and_typescript_route_registrations_are_health_routes() {
    let js = r#"const app = express();
app.get('/healthz', (req, res) => res.send('ok'));
router.get("/health", ctx => { ctx.body = "ok"; });
fastify.get('/livez', { schema }, async () => ({ ok: true }));
fastify.route({ method: 'GET', url: '/readyz', handler: ready });
const server = http.createServer((req, res) => {
  if (req.url === '/ping') { res.end('pong'); }
});
"#;
    assert_eq!(routes("src/server.js", js), vec![2, 3, 4, 5, 7]);
    let ts = r#"@Controller()
export class HealthController {
  @Get('/health')
  check() { return 'ok'; }
}
const hono = new Hono();
hono.get('/ready', (c) => c.text('ok'));
"#;
    assert_eq!(routes("src/health.controller.ts", ts), vec![3, 7]);
}

/// NestJS writes controller and handler paths without a leading slash: ghostfolio's
/// `@Controller('health')` + `@Get()` serves GET /api/v1/health and was not a route.
#[test]
fn nestjs_paths_without_a_leading_slash_are_health_routes() {
    let ts = r#"@Controller('health')
export class HealthController {
  @Get()
  async getHealth() { return { status: 'OK' }; }
}
@Controller()
export class AppController {
  @Get('healthz')
  live() { return 'ok'; }
}
const ctl = 'health';
this.http.get('health');
"#;
    assert_eq!(routes("apps/api/src/health.controller.ts", ts), vec![1, 8]);
}

/// Browser and client code asking a server for its health path: excalidraw-style
/// `fetch`, axios with options, Angular's `this.http`, a client's `get`, and a React
/// Router table.
#[test]
fn javascript_clients_requesting_a_health_path_are_not_routes() {
    let ts = r#"export async function ping() {
  const r = await fetch('/health');
  await axios.get('/healthz', { timeout: 1000 });
  this.http.get('/ready').subscribe();
  return client.get('/livez', opts);
}
"#;
    assert_eq!(routes("src/api.ts", ts), Vec::<u32>::new());
    let tsx =
        "const router = createBrowserRouter([\n  { path: '/health', element: <Health /> },\n]);\n";
    assert_eq!(routes("src/App.tsx", tsx), Vec::<u32>::new());
}

#[test]
fn java_annotations_and_route_calls_are_health_routes() {
    let java = r#"@RestController
public class HealthController {
    @GetMapping("/health")
    public String health() { return "ok"; }

    @RequestMapping(value = "/ready", method = RequestMethod.GET)
    public String ready() { return "ok"; }

    @GET
    @Path("/livez")
    public Response live() { return Response.ok().build(); }

    void routes(Javalin app, Router router) {
        app.get("/ping", ctx -> ctx.result("pong"));
        router.get("/healthz").handler(rc -> rc.response().end());
        String s = restTemplate.getForObject(base + "/health", String.class);
        webClient.get().uri("/readyz").retrieve();
    }
}
"#;
    assert_eq!(
        routes("src/main/java/app/HealthController.java", java),
        vec![3, 6, 10, 14, 15]
    );
}

#[test]
fn csharp_minimal_apis_and_attributes_are_health_routes() {
    let cs = r#"var app = builder.Build();
app.MapGet("/health", () => Results.Ok());
app.MapHealthChecks("/healthz");
app.UseHealthChecks("/ready");

public class StatusController : ControllerBase
{
    [HttpGet("/ping")]
    public IActionResult Ping() => Ok();

    public async Task Probe(HttpClient http)
    {
        var r = await http.GetAsync("/livez");
    }
}
"#;
    // Line 3 is also the `MapHealthChecks(` service name.
    assert_eq!(routes("src/Api/Program.cs", cs), vec![2, 3, 3, 4, 8]);
}

/// jasontaylordev/CleanArchitecture src/ServiceDefaults/Extensions.cs maps its health
/// endpoints only in development (the Aspire template's default): production has none.
/// Under the negated condition, or in the `else` branch, they are production routes.
#[test]
fn health_routes_mapped_only_in_development_are_not_production_routes() {
    let cs = r#"public static WebApplication MapDefaultEndpoints(this WebApplication app)
{
    if (app.Environment.IsDevelopment())
    {
        app.MapHealthChecks("/health");
    }
    if (!app.Environment.IsDevelopment())
    {
        app.MapGet("/ready", () => "ok");
    }
    return app;
}
"#;
    assert_eq!(routes("src/ServiceDefaults/Extensions.cs", cs), vec![9]);
    let js = "if (process.env.NODE_ENV === 'development') {\n  app.get('/health', ok);\n} else {\n  app.get('/healthz', ok);\n}\n";
    assert_eq!(routes("server.js", js), vec![4]);
}

#[test]
fn rust_routers_and_attributes_are_health_routes() {
    let rs = r#"fn app() -> Router {
    Router::new().route("/health", get(ok))
}

fn config(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/healthz").route(web::get().to(ok)));
}

#[get("/ready")]
async fn ready() -> &'static str { "ok" }

async fn probe(client: &reqwest::Client) {
    client.get("/livez").send().await.unwrap();
}
"#;
    assert_eq!(routes("src/main.rs", rs), vec![2, 6, 9]);
}

#[test]
fn ruby_route_dsls_are_health_routes_and_clients_are_not() {
    let rb = r#"Rails.application.routes.draw do
  get "/up", to: "rails/health#show", as: :rails_health_check
  get "/healthz" => "health#show"
end

get '/ping' do
  'pong'
end

def check
  conn.get("/health")
  HTTParty.get("/ready")
end
"#;
    // Line 2 is also the `rails/health#show` controller.
    assert_eq!(routes("config/routes.rb", rb), vec![2, 2, 3, 6]);
}

#[test]
fn php_routes_are_health_routes_and_clients_are_not() {
    let php = r#"<?php
Route::get('/health', fn () => response('ok'));
$app->get('/ping', function ($request, $response) {
    return $response;
});
$r = $client->get('/healthz', ['timeout' => 5]);
$s = Http::get('/ready');
"#;
    assert_eq!(routes("routes/web.php", php), vec![2, 3]);
}

/// gin-gonic/gin's doc.go shows a route in a comment; a block comment and a string that
/// merely mentions one are no code either.
#[test]
fn commented_and_quoted_routes_are_not_health_routes() {
    let go = "/*\nPackage gin.\n\n\tr.GET(\"/ping\", ping)\n*/\npackage gin\n\nvar usage = \"r.GET(\\\"/ping\\\", h)\"\n";
    assert_eq!(routes("doc.go", go), Vec::<u32>::new());
}

// ---- outbound HTTP calls ------------------------------------------------------------

/// excalidraw's components (`components/AI.tsx`) `fetch` from the user's browser: not a
/// server's outbound call. The same call in a `.ts` module of a server stays.
#[test]
fn browser_fetch_is_not_an_outbound_call() {
    let src = "export async function load(u: string) {\n  const r = await fetch(u);\n  return r.json();\n}\n";
    assert_eq!(clients("src/components/AI.tsx", src), Vec::<u32>::new());
    assert_eq!(clients("src/App.vue", src), Vec::<u32>::new());
    assert_eq!(clients("server/data.ts", src), vec![2]);
}

#[test]
fn fetch_counts_only_as_the_global_fetch_called() {
    let js = "const f = window.fetch(u);\ncache.fetch(k);\nconst s = 'use fetch(url) here';\nconst t = `${await fetch(u)}`;\nlet g = { fetch(x) { return x; } };\n";
    assert_eq!(clients("server/a.js", js), vec![1, 4]);
}

/// The lexical shortcut never keeps a call inside a multi-line string: a Go raw string,
/// a JavaScript template, a Python docstring whose call sits on its own line.
#[test]
fn calls_inside_multi_line_strings_are_not_calls_without_a_parse() {
    let go = "package x\n\nconst usage = `\n  http.Get(url)\n`\n\nvar tag = struct{ A int `json:\"a\"` }{}\n\nfunc f() { http.Get(u) }\n";
    assert_eq!(clients("x.go", go), vec![9]);
    let py = "def f():\n    \"\"\"\n    requests.get(u)\n    \"\"\"\n    return requests.get(u, timeout=1)\n";
    assert_eq!(clients("x.py", py), vec![5]);
    let js = "const doc = `\naxios.get(u)\n`;\naxios.get(v);\n";
    assert_eq!(clients("server/x.js", js), vec![4]);
}

/// A docstring or help text that shows a client call is not one.
#[test]
fn http_calls_in_docstrings_and_strings_are_not_calls() {
    let py = "def get(u):\n    \"\"\"Like requests.get(u) with retries.\"\"\"\n    return requests.get(u, timeout=3)\n";
    assert_eq!(clients("lib/http.py", py), vec![3]);
    let go =
        "package x\n\nconst help = \"uses http.Get(url) internally\"\n\nfunc f() { http.Get(u) }\n";
    assert_eq!(clients("x.go", go), vec![5]);
}

// ---- TLS verification ---------------------------------------------------------------

/// caddyserver/caddy modules/caddyhttp/reverseproxy/caddyfile.go:1179 sets
/// `InsecureSkipVerify` only for the operator's `tls_insecure_skip_verify` directive
/// (and capools.go for `insecure_skip_verify`, command.go for `--insecure`); a hand
/// review labels the check pass.
#[test]
fn caddy_tls_insecure_skip_verify_directive_is_an_operator_opt_in() {
    let go = r#"package reverseproxy

func (h *HTTPTransport) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	for d.NextBlock(0) {
		switch d.Val() {
		case "tls_insecure_skip_verify":
			if h.TLS == nil {
				h.TLS = new(TLSConfig)
			}
			h.TLS.InsecureSkipVerify = true
		}
	}
	if insecure {
		ht.TLS.InsecureSkipVerify = true
	}
	return nil
}
"#;
    assert_eq!(
        tls("modules/caddyhttp/reverseproxy/caddyfile.go", go),
        vec![
            (10, Some("case \"tls_insecure_skip_verify\"".to_string())),
            (14, Some("insecure".to_string())),
        ]
    );
}

/// grafana/loki clients/cmd/fluent-bit/config.go switches on the plugin's
/// `insecure_skip_verify` setting; the `"true"` case is the operator's choice.
#[test]
fn switch_on_an_insecure_setting_is_an_operator_opt_in() {
    let go = "package main\n\nfunc parse(cfg C) {\n\tinsecureSkipVerify := cfg.Get(\"insecure_skip_verify\")\n\tswitch insecureSkipVerify {\n\tcase \"false\", \"\":\n\t\tc.InsecureSkipVerify = false\n\tcase \"true\":\n\t\tc.InsecureSkipVerify = true\n\t}\n\tswitch mode {\n\tcase \"x\":\n\t\tc.InsecureSkipVerify = true\n\t}\n}\n";
    assert_eq!(
        tls("clients/cmd/fluent-bit/config.go", go),
        vec![
            (9, Some("switch insecureSkipVerify \"true\"".to_string())),
            (13, None)
        ]
    );
}

/// miniflux/v2 internal/reader/fetcher/request_builder.go skips verification only for a
/// feed whose user ticked "ignore TLS errors".
#[test]
fn ignore_tls_errors_setting_is_an_opt_in() {
    let go = "package fetcher\n\nfunc (r *B) transport() {\n\tif r.ignoreTLSErrors {\n\t\tt.TLSClientConfig = &tls.Config{\n\t\t\tInsecureSkipVerify: true,\n\t\t}\n\t}\n}\n";
    assert_eq!(
        tls("internal/reader/fetcher/request_builder.go", go),
        vec![(6, Some("r.ignoreTLSErrors".to_string()))]
    );
}

/// grafana/loki operator/internal/sizes/predict.go sets `InsecureSkipVerify: true`
/// unconditionally: that stays a plain hit, as does a check on something else.
#[test]
fn unconditional_insecure_skip_verify_is_not_an_opt_in() {
    let go = "package sizes\n\nvar rt = &http.Transport{\n\tTLSClientConfig: &tls.Config{InsecureSkipVerify: true},\n}\n\nfunc f() {\n\tif runtime.GOOS == \"windows\" {\n\t\tc.InsecureSkipVerify = true\n\t}\n}\n";
    assert_eq!(
        tls("operator/internal/sizes/predict.go", go),
        vec![(4, None), (9, None)]
    );
}

/// pterodactyl/wings reads its `--ignore-certificate-errors` flag in the `if`'s
/// initializer; the condition is only `ok`. A false critical failure.
#[test]
fn a_go_if_initializer_reading_the_switch_is_an_opt_in() {
    let go = "package cmd\n\nfunc run() {\n\tif ok, _ := cmd.Flags().GetBool(\"ignore-certificate-errors\"); ok {\n\t\tcfg = &tls.Config{\n\t\t\tInsecureSkipVerify: true,\n\t\t}\n\t}\n}\n";
    let got = tls("cmd/root.go", go);
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .1
            .as_deref()
            .is_some_and(|c| c.contains("ignore-certificate-errors")),
        "{got:?}"
    );
}

/// Kozea/Radicale maps its `ldap_ssl_verify_mode` setting (default REQUIRED) through
/// `{"NONE": ssl.CERT_NONE, …, "REQUIRED": ssl.CERT_REQUIRED}`: a false critical failure.
#[test]
fn a_table_of_verification_modes_is_the_operators_choice() {
    let py = "import ssl\n\ndef connect(self):\n    verifyMode = {\"NONE\": ssl.CERT_NONE,\n                  \"OPTIONAL\": ssl.CERT_OPTIONAL,\n                  \"REQUIRED\": ssl.CERT_REQUIRED}\n    return Tls(validate=verifyMode[self.mode])\n";
    assert_eq!(
        tls("radicale/auth/ldap.py", py),
        vec![(
            4,
            Some("a table of verification modes the configuration picks from".to_string())
        )]
    );
    let py = "import ssl\n\nctx = {\"verify_mode\": ssl.CERT_NONE}\n";
    assert_eq!(tls("x.py", py), vec![(3, None)]);
}

/// authelia/authelia: its PostgreSQL client skips the library's check and sets its own
/// `VerifyConnection`/`VerifyPeerCertificate` on the config; its `debug tls` command
/// verifies the chain with `x509.VerifyOptions`. Both failed the check as verification
/// switched off.
#[test]
fn go_code_that_verifies_the_peer_itself_has_not_disabled_verification() {
    let go = "package storage\n\nfunc newConfig(c *Config) *tls.Config {\n\tcfg := &tls.Config{\n\t\tRootCAs:            pool,\n\t\tInsecureSkipVerify: true,\n\t}\n\tcfg.VerifyConnection = verifyFunc(cfg)\n\treturn cfg\n}\n";
    assert_eq!(tls("internal/storage/postgres.go", go), vec![]);
    let go = "package commands\n\nfunc debugTLS() {\n\tconfig := &tls.Config{InsecureSkipVerify: true}\n\tconn, _ := tls.Dial(\"tcp\", a, config)\n\topts := x509.VerifyOptions{Roots: pool}\n\t_ = opts\n}\n";
    assert_eq!(tls("internal/commands/debug.go", go), vec![]);
    // Another function's callback does not count.
    let go = "package x\n\nfunc a() *tls.Config {\n\treturn &tls.Config{InsecureSkipVerify: true}\n}\n\nfunc b(c *tls.Config) {\n\tc.VerifyConnection = f\n}\n";
    assert_eq!(tls("x.go", go), vec![(4, None)]);
}

/// woodpecker (#13): `if !c.SkipVerify { return ctx }` before the insecure transport
/// makes it the operator's opt-in; returning when the switch is on leaves the rest the
/// default.
#[test]
fn an_early_return_unless_the_switch_is_on_is_an_opt_in() {
    let go = "package github\n\nfunc (c *client) newContext(ctx context.Context) context.Context {\n\tif !c.SkipVerify {\n\t\treturn ctx\n\t}\n\treturn with(&tls.Config{\n\t\tInsecureSkipVerify: true,\n\t})\n}\n";
    assert_eq!(
        tls("server/forge/github/github.go", go),
        vec![(8, Some("!c.SkipVerify … return".to_string()))]
    );
    let go = "package github\n\nfunc f(c *client) *tls.Config {\n\tif c.SkipVerify {\n\t\treturn nil\n\t}\n\treturn &tls.Config{InsecureSkipVerify: true}\n}\n";
    assert_eq!(tls("x.go", go), vec![(7, None)]);
}

#[test]
fn tls_literals_in_strings_and_comments_are_not_code() {
    let go = "package x\n\n// Never set InsecureSkipVerify: true.\nconst hint = \"InsecureSkipVerify: true disables checks\"\n";
    assert_eq!(tls("x.go", go), vec![]);
    let py = "def f():\n    \"\"\"Do not pass verify=False.\"\"\"\n    return requests.get(u, verify=False if args.insecure else True)\n";
    assert_eq!(
        tls("cli.py", py),
        vec![(3, Some("args.insecure".to_string()))]
    );
    let py = "requests.get(u, verify=False)\n";
    assert_eq!(tls("update.py", py), vec![(1, None)]);
}

#[test]
fn javascript_reject_unauthorized_under_an_insecure_option_is_an_opt_in() {
    let js = "function agent(opts) {\n  if (opts.insecure) {\n    return new https.Agent({ rejectUnauthorized: false });\n  }\n  return new https.Agent({ rejectUnauthorized: false });\n}\n";
    assert_eq!(
        tls("server/agent.js", js),
        vec![(3, Some("(opts.insecure)".to_string())), (5, None)]
    );
}

/// docmost (#13): `rejectUnauthorized: false` only when the operator's `rediss://` URL
/// carries `?rejectUnauthorized=false` — a condition naming the setting is an opt-in.
#[test]
fn a_condition_naming_reject_unauthorized_is_an_opt_in() {
    let ts = "const tls =\n  protocol === 'rediss:'\n    ? searchParams.get('rejectUnauthorized') === 'false'\n      ? { rejectUnauthorized: false }\n      : {}\n    : undefined;\n";
    assert_eq!(
        tls("apps/server/src/utils.ts", ts),
        vec![(
            4,
            Some("searchParams.get('rejectUnauthorized') === 'false'".to_string())
        )]
    );
}

// ---- migration lists ---------------------------------------------------------------

/// miniflux/v2 internal/database/migrations.go keeps 133 forward-only migrations as
/// `var migrations = [...]func(tx *sql.Tx) error{...}`, and was judged "no migrations".
/// A function taking such a list, or an empty one, is no migration list.
#[test]
fn go_migrations_in_a_func_slice_are_a_migration_list() {
    let go = "package database\n\nvar migrations = [...]func(tx *sql.Tx) error{\n\tfunc(tx *sql.Tx) (err error) {\n\t\t_, err = tx.Exec(`CREATE TABLE x (id int)`)\n\t\treturn err\n\t},\n}\n\nfunc run(steps []func(tx *sql.Tx) error) {}\n\nvar none = []func(tx *sql.Tx) error{}\n";
    assert_eq!(
        lines(
            "internal/database/migrations.go",
            go,
            SignalKind::MigrationList
        ),
        vec![3]
    );
}

/// juanfont/headscale (held-out, 2026-12-07): each of its 21 gormigrate migrations has a
/// `Rollback: func(db *gorm.DB) error { return nil }`, which undoes nothing, and the
/// unit passed `rollback/reversible-migrations`. A rollback that does something stays.
#[test]
fn a_rollback_that_only_returns_nil_is_no_way_back() {
    let go = r#"package db

var ms = []*gormigrate.Migration{
	{
		ID: "1",
		Migrate: func(tx *gorm.DB) error { return tx.AutoMigrate(&User{}) },
		Rollback: func(db *gorm.DB) error { return nil },
	},
	{
		ID: "2",
		Rollback: func(db *gorm.DB) error {
			// nothing to undo
		},
	},
	{
		ID: "3",
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable("users")
		},
	},
	{
		ID: "4",
		RollbackSession: func(sess *xorm.Session) error { return sess.DropTable("x") },
	},
}
"#;
    assert_eq!(
        lines("hscontrol/db/db.go", go, SignalKind::MigrationRollback),
        vec![17, 23]
    );
}

// ---- languages without a grammar, and the properties ---------------------------------

/// Kotlin has no grammar here: the regex verdict stands.
#[test]
fn languages_without_a_grammar_keep_the_regex_verdict() {
    let kt = "fun Application.routes() {\n    routing { get(\"/health\") { call.respondText(\"ok\") } }\n}\n";
    assert_eq!(routes("src/main/kotlin/Routes.kt", kt), vec![2]);
}

/// Snippets that produce regex hits, for the properties.
const SNIPPETS: &[&str] = &[
    "app.get('/healthz', h)",
    "http.Get(base + \"/healthcheck\")",
    "InsecureSkipVerify: true",
    "if insecure { c.InsecureSkipVerify = true }",
    "requests.get(u, verify=False)",
    "await fetch(u)",
    "// r.GET(\"/ping\", ping)",
    "\"\"\"requests.get(u)\"\"\"",
    "case \"tls_insecure_skip_verify\":",
    "@app.get(\"/health\")",
    "get \"/up\", to: \"rails/health#show\"",
    "Route::get('/health', fn () => 1);",
    "#[get(\"/ready\")]",
    "[HttpGet(\"/ping\")]",
    "signal.Notify(c, syscall.SIGTERM)",
    "{ rejectUnauthorized: false }",
    "var m = []func(tx *sql.Tx) error{",
    "Rollback: func(db *gorm.DB) error { return nil },",
    "`${fetch(u)}`",
    "'/health'",
    "{",
    "}",
    "(",
    "\"",
    "*/",
    "/*",
];

const PATHS: &[&str] = &[
    "a.go", "a.py", "a.js", "a.ts", "a.tsx", "a.java", "a.cs", "a.rs", "a.rb", "a.php", "a.kt",
];

use proptest::prelude::Strategy as _;

proptest::proptest! {
    #[test]
    fn syntax_layer_never_panics_and_never_adds_hits(
        parts in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(SNIPPETS).prop_map(str::as_bytes).prop_map(<[u8]>::to_vec),
                proptest::collection::vec(proptest::num::u8::ANY, 0..24),
            ],
            0..24,
        ),
        seps in proptest::collection::vec(proptest::sample::select(vec![&b"\n"[..], b" ", b"\n\t", b";\n"]), 24),
        path in proptest::sample::select(PATHS),
    ) {
        let mut bytes = Vec::new();
        for (p, s) in parts.iter().zip(seps.iter().cycle()) {
            bytes.extend_from_slice(p);
            bytes.extend_from_slice(s);
        }
        let mut regex_only = vec![];
        scan_with(path, &bytes, false, &mut regex_only);
        let mut confirmed = vec![];
        scan_with(path, &bytes, true, &mut confirmed);
        // Every confirmed hit is a regex hit: same kind, line and text, in order.
        let mut rest = regex_only.iter();
        for h in &confirmed {
            proptest::prop_assert!(
                rest.any(|r| (r.kind, r.line, &r.text) == (h.kind, h.line, &h.text)),
                "the syntax layer added {:?}", h
            );
        }
    }

    #[test]
    fn judge_never_panics_on_arbitrary_offsets(
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        offsets in proptest::collection::vec((0usize..260, 0usize..40), 1..6),
        path in proptest::sample::select(PATHS),
    ) {
        let rules = [Rule::RoutePath, Rule::Call, Rule::GlobalFetch, Rule::TlsLiteral, Rule::NotComment, Rule::FuncListLiteral];
        let cands: Vec<Candidate> = offsets
            .iter()
            .enumerate()
            .map(|(i, &(s, len))| Candidate {
                kind: SignalKind::HealthRoute,
                rule: rules[i % rules.len()],
                start: s,
                end: s + len,
            })
            .collect();
        let out = judge(path, &bytes, &cands);
        proptest::prop_assert_eq!(out.len(), cands.len());
    }
}

/// ntfy, navidrome, firefly-iii, meilisearch (#13): a versioned health path compared
/// with the request path, chi's Heartbeat middleware, Laravel routes without a leading
/// slash and Laravel 11's `withRouting(health:)`, and a route table in a Rust macro.
#[test]
fn versioned_paths_heartbeat_laravel_and_macro_route_tables_are_health_routes() {
    let go = "package server\n\nfunc (s *Server) handle(w http.ResponseWriter, r *http.Request) {\n\tif r.Method == http.MethodGet && r.URL.Path == \"/v1/health\" {\n\t\ts.health(w, r)\n\t}\n}\n";
    assert_eq!(routes("server/server.go", go), [4]);
    let chi = "package server\n\nfunc routes(r chi.Router) {\n\tr.Use(middleware.Heartbeat(\"/ping\"))\n}\n";
    assert_eq!(routes("server/server.go", chi), [4]);
    let web = "<?php\nRoute::get('health', ['uses' => 'HealthcheckController@check', 'as' => 'healthcheck']);\n";
    assert_eq!(routes("routes/web.php", web), [2]);
    let app = "<?php\nreturn Application::configure(basePath: dirname(__DIR__))\n    ->withRouting(\n        web: __DIR__.'/../routes/web.php',\n        health: '/up',\n    )->create();\n";
    assert_eq!(routes("bootstrap/app.php", app), [5]);
    let rust = "#[routes::routes(\n    routes(\n        \"/health\" => get(get_health),\n        \"/version\" => get(get_version),\n    )\n)]\npub struct MeilisearchApi;\n";
    assert_eq!(routes("src/routes/mod.rs", rust), [3]);
    // A client asking a versioned health path is still no route.
    let client = "package c\n\nfunc (c *Client) Up() error {\n\t_, err := c.get(ctx, \"/v1/health\")\n\treturn err\n}\n";
    assert!(routes("client/client.go", client).is_empty());
    // A Laravel client call is no route either.
    let http = "<?php\n$r = Http::get('health');\n";
    assert!(routes("app/Probe.php", http).is_empty());
}

/// ntfy (#13): `apiHealthPath = "/v1/health"` declared once, then compared with the
/// request path; a constant handed to a registration counts too; a constant only a
/// client uses does not.
#[test]
fn health_path_constants_used_as_routes_are_health_routes() {
    let go = "package server\n\nconst (\n\tapiHealthPath = \"/v1/health\"\n)\n\nfunc (s *Server) handle(w http.ResponseWriter, r *http.Request) {\n\tif r.Method == http.MethodGet && r.URL.Path == apiHealthPath {\n\t\ts.health(w, r)\n\t}\n}\n";
    assert_eq!(routes("server/server.go", go), [4]);
    let js = "const healthPath = '/healthz';\napp.get(healthPath, (req, res) => res.send('ok'));\n";
    assert_eq!(routes("src/server.js", js), [1]);
    let client = "package c\n\nconst healthPath = \"/health\"\n\nfunc (c *Client) Up() error {\n\t_, err := c.http.Get(c.base + healthPath)\n\treturn err\n}\n";
    assert!(routes("client/client.go", client).is_empty());
}

/// meilisearch (#13): `#[cfg(test)] mod tasks_test;` above the route table declares a
/// test file; it is not where the file's unit tests start, so the `"/health" =>
/// get(get_health)` after it is production code.
#[test]
fn a_declared_test_module_does_not_end_production_code() {
    let src = "#[cfg(test)]\nmod tasks_test;\n\n#[routes::routes(\n    routes(\n        \"/health\" => get(get_health),\n    )\n)]\npub struct Api;\n\n#[cfg(test)]\nmod tests {\n    fn t() { app.route(\"/healthz\", get(h)); }\n}\n";
    assert_eq!(routes("src/routes/mod.rs", src), [6]);
    assert_eq!(
        crate::signals::rust_tests_from(src.as_bytes()),
        src.find("#[cfg(test)]\nmod tests")
    );
}
