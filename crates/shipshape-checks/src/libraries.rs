//! Library tables: which dependency names mean "metrics", "structured logging",
//! "tracing"... Kept as data in one place so that adding a library is one line.
//! Names match exactly, or as a prefix when they end in `*`. Maven/Gradle names
//! are `group:artifact`; a pattern without `:` matches the artifact alone.

use shipshape_facts::Ecosystem;
use shipshape_facts::deps::Dependency;

/// A category of libraries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Metrics,
    StructuredLogging,
    Tracing,
    ErrorTracking,
    FeatureFlags,
    HttpServer,
    CliFramework,
    /// Application servers that drain in-flight requests on SIGTERM by default.
    GracefulServer,
    /// Load and performance testing tools used as libraries.
    LoadTesting,
    /// Datastore clients and ORMs: the unit keeps state somewhere.
    Datastore,
    /// Frameworks and libraries that generate an API description from code.
    ApiSpecFromCode,
    /// Message-queue and stream clients: a program with one consumes or produces
    /// messages, a long-running worker rather than a command that exits.
    MessageQueue,
}

use Ecosystem::*;

/// `(ecosystem, name pattern)` per category.
pub fn table(cat: Category) -> &'static [(Ecosystem, &'static str)] {
    match cat {
        Category::Metrics => &[
            (Cargo, "prometheus"),
            (Cargo, "prometheus-client"),
            (Cargo, "metrics"),
            (Cargo, "metrics-exporter-prometheus"),
            (Cargo, "opentelemetry-prometheus"),
            (Cargo, "axum-prometheus"),
            (Cargo, "actix-web-prom"),
            (Cargo, "cadence"),
            (Cargo, "opentelemetry_sdk"),
            (Go, "github.com/prometheus/client_golang"),
            (Go, "go.opentelemetry.io/otel/metric"),
            (Go, "go.opentelemetry.io/otel/sdk/metric"),
            (Go, "github.com/DataDog/datadog-go*"),
            (Go, "github.com/cactus/go-statsd-client*"),
            (Go, "github.com/VictoriaMetrics/metrics"),
            (Python, "prometheus-client"),
            (Python, "prometheus_client"),
            (Python, "prometheus-fastapi-instrumentator"),
            (Python, "django-prometheus"),
            (Python, "prometheus-flask-exporter"),
            (Python, "starlette-exporter"),
            (Python, "opentelemetry-sdk"),
            (Python, "statsd"),
            (Python, "datadog"),
            (Npm, "prom-client"),
            (Npm, "express-prom-bundle"),
            (Npm, "fastify-metrics"),
            (Npm, "@opentelemetry/sdk-metrics"),
            (Npm, "hot-shots"),
            (Npm, "@willsoto/nestjs-prometheus"),
            (Maven, "io.micrometer:*"),
            (Maven, "io.prometheus:*"),
            (Maven, "spring-boot-starter-actuator"),
            // Dropwizard Metrics and Quarkus's Micrometer extension (commafeed's registry).
            (Maven, "io.dropwizard.metrics:*"),
            (Maven, "io.quarkus:quarkus-micrometer*"),
            (Maven, "io.quarkus:quarkus-smallrye-metrics"),
            (Gradle, "io.micrometer:*"),
            (Gradle, "io.prometheus:*"),
            (Gradle, "spring-boot-starter-actuator"),
            (Ruby, "prometheus-client"),
            (Ruby, "yabeda*"),
            (Ruby, "dogstatsd-ruby"),
            (Composer, "promphp/prometheus_client_php"),
            // Laravel's own monitoring: Nightwatch (hosted APM) and Pulse (request, job,
            // query and server metrics recorded by the application) — monica.
            (Composer, "laravel/nightwatch"),
            (Composer, "laravel/pulse"),
            (Nuget, "prometheus-net*"),
            (Nuget, "OpenTelemetry.Exporter.Prometheus*"),
            (Nuget, "App.Metrics*"),
            // The .NET OpenTelemetry SDK (as `opentelemetry_sdk`/`opentelemetry-sdk` above),
            // its hosting package, the metrics-only instrumentations and Azure Monitor's
            // distribution; `WithMetrics(...)` is configured through them.
            (Nuget, "OpenTelemetry"),
            (Nuget, "OpenTelemetry.Extensions.Hosting"),
            (Nuget, "OpenTelemetry.Instrumentation.Runtime"),
            (Nuget, "OpenTelemetry.Instrumentation.Process"),
            (Nuget, "Azure.Monitor.OpenTelemetry.AspNetCore"),
            (Hex, "prom_ex"),
            (Hex, "telemetry_metrics"),
            (Hex, "telemetry_metrics_prometheus*"),
            (Hex, "prometheus_ex"),
            (Hex, "prometheus_plugs"),
            (Hex, "prometheus_phoenix"),
            (Hex, "prometheus_ecto"),
            (Hex, "peep"),
            (Hex, "telemetry_metrics_statsd"),
            (Hex, "statix"),
        ],
        Category::StructuredLogging => &[
            (Cargo, "tracing"),
            (Cargo, "tracing-subscriber"),
            (Cargo, "slog"),
            (Cargo, "log4rs"),
            (Cargo, "env_logger"),
            (Cargo, "flexi_logger"),
            (Cargo, "fern"),
            (Go, "go.uber.org/zap"),
            (Go, "github.com/rs/zerolog"),
            (Go, "github.com/sirupsen/logrus"),
            (Go, "github.com/go-kit/log"),
            (Go, "github.com/go-kit/kit"),
            (Go, "github.com/go-logr/logr"),
            (Go, "github.com/apex/log"),
            (Python, "structlog"),
            (Python, "python-json-logger"),
            (Python, "loguru"),
            (Python, "json-logging"),
            (Python, "ecs-logging"),
            (Npm, "pino"),
            (Npm, "winston"),
            (Npm, "bunyan"),
            (Npm, "roarr"),
            (Npm, "nestjs-pino"),
            (Npm, "log4js"),
            (Maven, "net.logstash.logback:*"),
            (Maven, "ch.qos.logback:*"),
            (Maven, "org.apache.logging.log4j:*"),
            (Maven, "org.slf4j:*"),
            (Gradle, "net.logstash.logback:*"),
            (Gradle, "ch.qos.logback:*"),
            (Gradle, "org.apache.logging.log4j:*"),
            (Gradle, "org.slf4j:*"),
            (Ruby, "lograge"),
            (Ruby, "semantic_logger"),
            (Ruby, "ougai"),
            (Composer, "monolog/monolog"),
            // Frameworks that log through one of these by default, as ASP.NET Core does
            // below: Spring Boot's starters bring Logback and SLF4J
            // (spring-boot-starter-logging), Laravel logs through Monolog. A unit that
            // declares only the framework still logs with levels (#13: spring-petclinic's
            // services, spring-boot-realworld, BookStack).
            (Maven, "org.springframework.boot:spring-boot-starter*"),
            (Maven, "org.springframework.cloud:spring-cloud-starter*"),
            // Quarkus logs through JBoss Logging (levelled, SLF4J bridged) whatever
            // extensions a unit declares (commafeed).
            (Maven, "io.quarkus:quarkus-*"),
            (Gradle, "org.springframework.boot:spring-boot-starter*"),
            (Gradle, "org.springframework.cloud:spring-cloud-starter*"),
            (Composer, "laravel/framework"),
            (Nuget, "Serilog*"),
            (Nuget, "NLog*"),
            // ASP.NET Core's ILogger (message templates, scopes) comes with the web SDK.
            (Nuget, "Microsoft.AspNetCore.App"),
            (Nuget, "Microsoft.Extensions.Logging*"),
            (Hex, "logger_json"),
            (Hex, "logster"),
            (Hex, "logfmt_ex"),
            (Hex, "logstash_logger_formatter"),
        ],
        Category::Tracing => &[
            (Cargo, "opentelemetry"),
            (Cargo, "opentelemetry-otlp"),
            (Cargo, "tracing-opentelemetry"),
            (Cargo, "opentelemetry-jaeger"),
            (Cargo, "opentelemetry-zipkin"),
            (Cargo, "datadog-tracing"),
            (Go, "go.opentelemetry.io/otel*"),
            (Go, "go.opentelemetry.io/contrib*"),
            (Go, "github.com/opentracing/opentracing-go"),
            (Go, "github.com/openzipkin/zipkin-go"),
            (Go, "gopkg.in/DataDog/dd-trace-go.v1"),
            (Go, "github.com/DataDog/dd-trace-go*"),
            (Go, "go.elastic.co/apm*"),
            (Python, "opentelemetry-api"),
            (Python, "opentelemetry-sdk"),
            (Python, "opentelemetry-distro"),
            (Python, "opentelemetry-instrumentation*"),
            (Python, "opentelemetry-exporter-otlp*"),
            (Python, "ddtrace"),
            (Python, "jaeger-client"),
            (Python, "elastic-apm"),
            (Npm, "@opentelemetry/*"),
            (Npm, "dd-trace"),
            (Npm, "jaeger-client"),
            (Npm, "zipkin"),
            (Npm, "elastic-apm-node"),
            (Maven, "io.opentelemetry*"),
            (Maven, "io.micrometer:micrometer-tracing*"),
            // Spring Boot's Zipkin starter is Micrometer Tracing with a Zipkin reporter.
            (Maven, "org.springframework.boot:spring-boot-starter-zipkin"),
            (Maven, "io.zipkin.reporter2:*"),
            (
                Maven,
                "org.springframework.cloud:spring-cloud-starter-sleuth",
            ),
            (Maven, "com.datadoghq:dd-trace-api"),
            (Gradle, "io.opentelemetry*"),
            (Gradle, "io.micrometer:micrometer-tracing*"),
            (
                Gradle,
                "org.springframework.boot:spring-boot-starter-zipkin",
            ),
            (Gradle, "io.zipkin.reporter2:*"),
            (Ruby, "opentelemetry-*"),
            (Ruby, "ddtrace"),
            (Ruby, "datadog"),
            (Composer, "open-telemetry/*"),
            (Nuget, "OpenTelemetry*"),
            (Hex, "opentelemetry"),
            (Hex, "opentelemetry_api"),
            (Hex, "opentelemetry_exporter"),
            (Hex, "opentelemetry_phoenix"),
            (Hex, "opentelemetry_bandit"),
            (Hex, "spandex*"),
        ],
        Category::ErrorTracking => &[
            (Cargo, "sentry"),
            (Cargo, "sentry-*"),
            (Go, "github.com/getsentry/sentry-go"),
            (Go, "github.com/rollbar/rollbar-go"),
            (Go, "github.com/bugsnag/bugsnag-go*"),
            (Go, "github.com/honeybadger-io/honeybadger-go"),
            (Python, "sentry-sdk"),
            (Python, "raven"),
            (Python, "rollbar"),
            (Python, "bugsnag"),
            (Python, "honeybadger"),
            (Npm, "@sentry/*"),
            (Npm, "rollbar"),
            (Npm, "@bugsnag/*"),
            (Npm, "@honeybadger-io/*"),
            (Npm, "@datadog/browser-rum"),
            (Maven, "io.sentry:*"),
            (Maven, "com.rollbar:*"),
            (Maven, "com.bugsnag:*"),
            (Gradle, "io.sentry:*"),
            (Gradle, "com.bugsnag:*"),
            (Ruby, "sentry-ruby"),
            (Ruby, "sentry-rails"),
            (Ruby, "rollbar"),
            (Ruby, "bugsnag"),
            (Ruby, "honeybadger"),
            (Ruby, "airbrake"),
            (Composer, "sentry/*"),
            (Composer, "rollbar/rollbar"),
            (Nuget, "Sentry*"),
            (Nuget, "Rollbar*"),
            (Hex, "sentry"),
            (Hex, "appsignal*"),
            (Hex, "honeybadger"),
            (Hex, "rollbax"),
            (Hex, "error_tracker"),
            (Hex, "bugsnag"),
        ],
        Category::FeatureFlags => &[
            (Cargo, "open-feature"),
            (Cargo, "launchdarkly-server-sdk"),
            (Cargo, "unleash-api-client"),
            (Cargo, "flagsmith"),
            (Go, "github.com/open-feature/go-sdk*"),
            (Go, "github.com/launchdarkly/go-server-sdk*"),
            (Go, "github.com/Unleash/unleash-client-go*"),
            (Go, "github.com/Flagsmith/flagsmith-go-client*"),
            (Go, "github.com/growthbook/growthbook-golang"),
            (Python, "openfeature-sdk"),
            (Python, "launchdarkly-server-sdk"),
            (Python, "ldclient-py"),
            (Python, "UnleashClient"),
            (Python, "flagsmith"),
            (Python, "growthbook"),
            (Npm, "@openfeature/*"),
            (Npm, "launchdarkly-node-server-sdk"),
            (Npm, "@launchdarkly/*"),
            (Npm, "unleash-client"),
            (Npm, "flagsmith-nodejs"),
            (Npm, "@growthbook/growthbook"),
            (Maven, "dev.openfeature:*"),
            (Maven, "com.launchdarkly:*"),
            (Maven, "io.getunleash:*"),
            (Gradle, "dev.openfeature:*"),
            (Gradle, "com.launchdarkly:*"),
            (Ruby, "openfeature-sdk"),
            (Ruby, "launchdarkly-server-sdk"),
            (Ruby, "unleash"),
            (Ruby, "flipper"),
            (Nuget, "OpenFeature*"),
            (Nuget, "LaunchDarkly.ServerSdk"),
            (Hex, "fun_with_flags"),
            (Hex, "ldclient"),
            (Hex, "unleash"),
        ],
        Category::HttpServer => &[
            (Cargo, "axum"),
            (Cargo, "actix-web"),
            (Cargo, "warp"),
            (Cargo, "rocket"),
            (Cargo, "poem"),
            (Cargo, "tide"),
            (Cargo, "salvo"),
            (Cargo, "tonic"),
            (Cargo, "hyper-server"),
            (Go, "github.com/gin-gonic/gin"),
            (Go, "github.com/labstack/echo*"),
            (Go, "github.com/go-chi/chi*"),
            (Go, "github.com/gorilla/mux"),
            (Go, "github.com/julienschmidt/httprouter"),
            (Go, "github.com/gofiber/fiber*"),
            (Go, "google.golang.org/grpc"),
            (Python, "fastapi"),
            (Python, "flask"),
            (Python, "Flask"),
            (Python, "django"),
            (Python, "Django"),
            (Python, "starlette"),
            (Python, "aiohttp"),
            (Python, "tornado"),
            (Python, "sanic"),
            (Python, "uvicorn"),
            (Python, "gunicorn"),
            (Python, "grpcio"),
            (Npm, "express"),
            (Npm, "fastify"),
            (Npm, "koa"),
            (Npm, "@nestjs/core"),
            (Npm, "@hapi/hapi"),
            (Npm, "hono"),
            (Npm, "next"),
            (Maven, "org.springframework.boot:spring-boot-starter-web*"),
            (Maven, "io.quarkus:quarkus-resteasy*"),
            // RESTEasy Reactive's name since Quarkus 3.9 (commafeed).
            (Maven, "io.quarkus:quarkus-rest"),
            (Maven, "io.quarkus:quarkus-rest-jackson"),
            (Maven, "io.quarkus:quarkus-rest-jsonb"),
            (Maven, "io.quarkus:quarkus-vertx-http"),
            (Maven, "io.micronaut:micronaut-http-server*"),
            (Maven, "io.dropwizard:*"),
            (
                Maven,
                "org.springframework.cloud:spring-cloud-starter-gateway*",
            ),
            (
                Maven,
                "org.springframework.cloud:spring-cloud-config-server",
            ),
            (
                Maven,
                "org.springframework.cloud:spring-cloud-starter-netflix-eureka-server",
            ),
            (Maven, "de.codecentric:spring-boot-admin-starter-server"),
            (Gradle, "org.springframework.boot:spring-boot-starter-web*"),
            (Gradle, "io.ktor:ktor-server*"),
            (Ruby, "rails"),
            (Ruby, "sinatra"),
            (Ruby, "puma"),
            (Composer, "laravel/framework"),
            (Composer, "symfony/framework-bundle"),
            (Composer, "slim/slim"),
            (Composer, "mezzio/mezzio"),
            (Composer, "laminas/laminas-mvc"),
            (Composer, "cakephp/cakephp"),
            (Composer, "yiisoft/yii2"),
            (Composer, "codeigniter4/framework"),
            (Composer, "laravel/lumen-framework"),
            (Composer, "spiral/roadrunner-http"),
            (Nuget, "Microsoft.AspNetCore*"),
            (Nuget, "Grpc.AspNetCore*"),
            (Hex, "phoenix"),
            (Hex, "plug_cowboy"),
            (Hex, "bandit"),
            (Hex, "cowboy"),
        ],
        Category::GracefulServer => &[
            (Python, "gunicorn"),
            (Python, "uvicorn"),
            (Python, "hypercorn"),
            (Python, "granian"),
            (Ruby, "puma"),
            (Ruby, "unicorn"),
            (Npm, "@godaddy/terminus"),
            (Npm, "http-graceful-shutdown"),
            (Npm, "lightship"),
            (Npm, "stoppable"),
            (Npm, "@nestjs/terminus"),
            // actix-web's HttpServer stops gracefully on SIGTERM (30 s by default).
            (Cargo, "actix-web"),
            (Cargo, "actix-server"),
            (Go, "github.com/oklog/run"),
            (Go, "github.com/cloudflare/tableflip"),
            // The .NET generic host stops Kestrel (and worker services) gracefully on SIGTERM.
            (Nuget, "Microsoft.AspNetCore*"),
            (Nuget, "Grpc.AspNetCore*"),
            (Nuget, "Microsoft.Extensions.Hosting"),
            (Hex, "phoenix"),
            (Hex, "bandit"),
            (Hex, "plug_cowboy"),
        ],
        Category::LoadTesting => &[
            (Python, "locust"),
            (Npm, "k6"),
            (Npm, "artillery"),
            (Npm, "autocannon"),
            (Maven, "io.gatling*"),
            (Gradle, "io.gatling*"),
            (Go, "github.com/tsenart/vegeta*"),
            // k6 itself, required by xk6 extensions built for load tests.
            (Go, "go.k6.io/k6*"),
            (Cargo, "goose"),
            (Nuget, "NBomber*"),
        ],
        Category::Datastore => &[
            (Cargo, "sqlx"),
            (Cargo, "diesel"),
            (Cargo, "sea-orm"),
            (Cargo, "tokio-postgres"),
            (Cargo, "postgres"),
            (Cargo, "mysql_async"),
            (Cargo, "rusqlite"),
            (Cargo, "mongodb"),
            (Cargo, "redis"),
            (Cargo, "scylla"),
            (Go, "github.com/jackc/pgx*"),
            (Go, "github.com/lib/pq"),
            (Go, "gorm.io/gorm"),
            (Go, "github.com/go-sql-driver/mysql"),
            (Go, "go.mongodb.org/mongo-driver*"),
            (Go, "github.com/redis/go-redis*"),
            (Go, "go.etcd.io/bbolt"),
            (Python, "psycopg"),
            (Python, "psycopg2"),
            (Python, "psycopg2-binary"),
            (Python, "asyncpg"),
            (Python, "sqlalchemy"),
            (Python, "django"),
            (Python, "pymongo"),
            (Python, "motor"),
            (Python, "redis"),
            (Python, "mysqlclient"),
            (Python, "pymysql"),
            (Npm, "pg"),
            (Npm, "mysql2"),
            (Npm, "mongoose"),
            (Npm, "mongodb"),
            (Npm, "prisma"),
            (Npm, "@prisma/client"),
            (Npm, "typeorm"),
            (Npm, "sequelize"),
            (Npm, "knex"),
            (Npm, "drizzle-orm"),
            (Npm, "ioredis"),
            (Npm, "redis"),
            (Maven, "org.postgresql:postgresql"),
            (Maven, "com.mysql:mysql-connector-j"),
            (Maven, "org.springframework.boot:spring-boot-starter-data-*"),
            (Maven, "org.hibernate*"),
            (Maven, "io.quarkus:quarkus-hibernate-orm*"),
            (Maven, "io.quarkus:quarkus-jdbc-*"),
            (Maven, "org.mongodb:*"),
            (Gradle, "org.postgresql:postgresql"),
            (
                Gradle,
                "org.springframework.boot:spring-boot-starter-data-*",
            ),
            (Ruby, "pg"),
            (Ruby, "mysql2"),
            (Ruby, "activerecord"),
            (Ruby, "rails"),
            (Ruby, "mongoid"),
            (Composer, "doctrine/orm"),
            (Composer, "laravel/framework"),
            (Nuget, "Npgsql*"),
            (Nuget, "Microsoft.EntityFrameworkCore*"),
            (Nuget, "MongoDB.Driver"),
            (Nuget, "StackExchange.Redis"),
            (Nuget, "Microsoft.Data.SqlClient"),
            // .NET Aspire's client integrations for the same stores.
            (Nuget, "Aspire.Npgsql*"),
            (Nuget, "Aspire.StackExchange.Redis*"),
            (Nuget, "Aspire.Microsoft.EntityFrameworkCore*"),
            (Nuget, "Aspire.Microsoft.Data.SqlClient"),
            (Nuget, "Aspire.MongoDB.Driver*"),
            (Hex, "ecto_sql"),
            (Hex, "postgrex"),
            (Hex, "myxql"),
            (Hex, "ecto_sqlite3"),
            (Hex, "exqlite"),
            (Hex, "redix"),
            (Hex, "mongodb_driver"),
            (Hex, "tds"),
            (Hex, "ch"),
            // Embedded stores keep the data on the service's own disk (ntfy's SQLite
            // message cache and user database, meilisearch's LMDB): nothing else holds a
            // copy. Managed databases (DynamoDB, Firestore) and other drivers and ORMs.
            (Go, "github.com/mattn/go-sqlite3"),
            (Go, "modernc.org/sqlite"),
            (Go, "github.com/glebarez/sqlite"),
            (Go, "gorm.io/driver/*"),
            (Go, "github.com/jmoiron/sqlx"),
            (Go, "github.com/uptrace/bun*"),
            (Go, "entgo.io/ent"),
            (Go, "xorm.io/xorm"),
            (Go, "github.com/go-pg/pg*"),
            (Go, "github.com/go-redis/redis*"),
            (Go, "github.com/gomodule/redigo"),
            (Go, "github.com/redis/rueidis"),
            (Go, "github.com/ClickHouse/clickhouse-go*"),
            (Go, "github.com/gocql/gocql"),
            (Go, "github.com/dgraph-io/badger*"),
            (Go, "github.com/syndtr/goleveldb"),
            (Go, "github.com/cockroachdb/pebble"),
            (Go, "github.com/boltdb/bolt"),
            (Go, "github.com/smallstep/nosql"),
            (Go, "github.com/aws/aws-sdk-go-v2/service/dynamodb"),
            (Go, "cloud.google.com/go/firestore"),
            (Go, "cloud.google.com/go/spanner"),
            (Cargo, "heed"),
            (Cargo, "lmdb-rkv"),
            (Cargo, "sled"),
            (Cargo, "rocksdb"),
            (Cargo, "redb"),
            (Cargo, "libsql"),
            (Cargo, "deadpool-postgres"),
            (Cargo, "fred"),
            (Cargo, "aws-sdk-dynamodb"),
            (Cargo, "surrealdb"),
            (Cargo, "clickhouse"),
            (Python, "aiosqlite"),
            (Python, "peewee"),
            (Python, "tortoise-orm"),
            (Python, "sqlmodel"),
            (Python, "pymssql"),
            (Python, "cassandra-driver"),
            (Python, "mongoengine"),
            (Python, "google-cloud-firestore"),
            (Npm, "better-sqlite3"),
            (Npm, "sqlite3"),
            (Npm, "@libsql/client"),
            (Npm, "kysely"),
            (Npm, "@mikro-orm/core"),
            (Npm, "postgres"),
            (Npm, "mysql"),
            (Npm, "mssql"),
            (Npm, "cassandra-driver"),
            (Npm, "@aws-sdk/client-dynamodb"),
            (Npm, "firebase-admin"),
            (Npm, "@google-cloud/firestore"),
            (Maven, "org.xerial:sqlite-jdbc"),
            (Maven, "org.foundationdb:*"),
            (Maven, "software.amazon.awssdk:dynamodb*"),
            (Maven, "com.amazonaws:aws-java-sdk-dynamodb"),
            (Maven, "org.mariadb.jdbc:*"),
            (Maven, "com.microsoft.sqlserver:*"),
            (Maven, "io.lettuce:lettuce-core"),
            (Maven, "redis.clients:jedis"),
            (Maven, "org.mybatis*"),
            (Maven, "org.jooq*"),
            (Maven, "com.datastax*"),
            (Maven, "mysql:mysql-connector-java"),
            (Ruby, "sqlite3"),
            (Ruby, "redis"),
            (Ruby, "sequel"),
            (Composer, "illuminate/database"),
            (Composer, "doctrine/dbal"),
            (Nuget, "Microsoft.Data.Sqlite*"),
            (Nuget, "Dapper"),
            (Nuget, "MySqlConnector"),
        ],
        Category::MessageQueue => &[
            (Maven, "org.apache.kafka:kafka-clients"),
            (Maven, "org.apache.kafka:kafka-streams"),
            (Maven, "org.springframework.kafka:*"),
            (Maven, "org.springframework.amqp:*"),
            (Maven, "com.rabbitmq:amqp-client"),
            (Maven, "io.nats:*"),
            (Maven, "software.amazon.awssdk:sqs"),
            (Nuget, "Confluent.Kafka"),
            (Nuget, "RabbitMQ.Client"),
            (Nuget, "MassTransit*"),
            (Nuget, "NATS.*"),
            (Nuget, "Azure.Messaging.ServiceBus"),
            (Go, "github.com/segmentio/kafka-go"),
            (Go, "github.com/IBM/sarama"),
            (Go, "github.com/Shopify/sarama"),
            (Go, "github.com/confluentinc/confluent-kafka-go*"),
            (Go, "github.com/nats-io/nats.go"),
            (Go, "github.com/rabbitmq/amqp091-go"),
            (Python, "kafka-python"),
            (Python, "confluent-kafka"),
            (Python, "aiokafka"),
            (Python, "pika"),
            (Python, "celery"),
            (Python, "nats-py"),
            (Npm, "kafkajs"),
            (Npm, "amqplib"),
            (Npm, "bullmq"),
            (Npm, "nats"),
            (Cargo, "rdkafka"),
            (Cargo, "lapin"),
            (Cargo, "async-nats"),
            (Ruby, "sidekiq"),
            (Ruby, "karafka"),
            (Hex, "broadway*"),
            (Hex, "amqp"),
            (Hex, "brod"),
            (Hex, "kafka_ex"),
            (Hex, "gnat"),
            (Hex, "oban"),
            (Hex, "exq"),
            (Hex, "tortoise*"),
            (Hex, "emqtt"),
        ],
        Category::ApiSpecFromCode => &[
            (Python, "fastapi"),
            (Python, "drf-spectacular"),
            (Python, "drf-yasg"),
            (Python, "flask-smorest"),
            (Python, "apispec"),
            (Python, "connexion"),
            (Cargo, "utoipa"),
            (Cargo, "aide"),
            (Cargo, "poem-openapi"),
            (Cargo, "okapi"),
            (Cargo, "rocket_okapi"),
            (Cargo, "paperclip"),
            (Go, "github.com/swaggo/swag"),
            (Go, "github.com/danielgtaylor/huma*"),
            (Npm, "@nestjs/swagger"),
            (Npm, "swagger-jsdoc"),
            (Npm, "@fastify/swagger"),
            (Npm, "tsoa"),
            (Npm, "@hono/zod-openapi"),
            (Maven, "org.springdoc:*"),
            (Maven, "io.quarkus:quarkus-smallrye-openapi"),
            (Maven, "io.swagger.core.v3:*"),
            (Maven, "io.springfox:*"),
            (Gradle, "org.springdoc:*"),
            (Gradle, "io.swagger.core.v3:*"),
            (Ruby, "rswag*"),
            (Ruby, "grape-swagger"),
            (Composer, "zircote/swagger-php"),
            (Composer, "nelmio/api-doc-bundle"),
            // Laravel's generators: Scribe (monica), Scramble, l5-swagger.
            (Composer, "knuckleswtf/scribe"),
            (Composer, "dedoc/scramble"),
            (Composer, "darkaonline/l5-swagger"),
            (Composer, "api-platform/core"),
            (Nuget, "Swashbuckle*"),
            (Nuget, "NSwag*"),
            (Nuget, "Microsoft.AspNetCore.OpenApi"),
            (Hex, "open_api_spex"),
            (Hex, "phoenix_swagger"),
            (Hex, "absinthe"),
        ],
        Category::CliFramework => &[
            (Cargo, "clap"),
            (Cargo, "argh"),
            (Cargo, "pico-args"),
            (Cargo, "lexopt"),
            (Go, "github.com/spf13/cobra"),
            (Go, "github.com/urfave/cli*"),
            (Go, "github.com/alecthomas/kong"),
            (Python, "click"),
            (Python, "typer"),
            (Npm, "commander"),
            (Npm, "yargs"),
            (Npm, "oclif"),
            (Npm, "@oclif/core"),
            (Maven, "info.picocli:picocli"),
            (Ruby, "thor"),
            (Nuget, "System.CommandLine"),
            (Nuget, "CommandDotNet"),
            (Nuget, "Spectre.Console.Cli"),
            (Nuget, "McMaster.Extensions.CommandLineUtils"),
            (Nuget, "CommandLineParser"),
            (Nuget, "Cocona"),
        ],
    }
}

fn matches_name(eco: Ecosystem, pattern: &str, name: &str) -> bool {
    let (pattern, name) = if matches!(eco, Ecosystem::Python) {
        // PEP 503: case-insensitive, `-`, `_` and `.` are the same.
        (normalise_py(pattern), normalise_py(name))
    } else {
        (pattern.to_string(), name.to_string())
    };
    let name_part = |n: &str| -> String {
        if !pattern.contains(':') {
            n.rsplit(':').next().unwrap_or(n).to_string()
        } else {
            n.to_string()
        }
    };
    let name = name_part(&name);
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

fn normalise_py(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', '.'], "-")
}

fn same_family(a: Ecosystem, b: Ecosystem) -> bool {
    a == b || matches!((a, b), (Maven, Gradle) | (Gradle, Maven))
}

/// The first dependency in `deps` that belongs to `cat`.
pub fn find<'a>(
    deps: impl IntoIterator<Item = &'a Dependency>,
    cat: Category,
) -> Option<&'a Dependency> {
    let table = table(cat);
    let server = matches!(cat, Category::HttpServer | Category::GracefulServer);
    deps.into_iter().find(|d| {
        table.iter().any(|(eco, pat)| {
            same_family(*eco, d.ecosystem) && matches_name(d.ecosystem, pat, &d.name)
        }) && !(server && d.ecosystem == Nuget && not_a_server(&d.name))
    })
}

/// `Microsoft.AspNetCore.*` packages that run no server: Blazor in a browser or a native
/// app's web view (dotnet/eShop's MAUI client), and in-memory test hosts.
fn not_a_server(name: &str) -> bool {
    [
        "Microsoft.AspNetCore.Components.WebView*",
        "Microsoft.AspNetCore.Components.WebAssembly*",
        "Microsoft.AspNetCore.Mvc.Testing",
        "Microsoft.AspNetCore.TestHost",
    ]
    .iter()
    .any(|p| matches_name(Nuget, p, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(eco: Ecosystem, name: &str) -> Dependency {
        Dependency {
            ecosystem: eco,
            name: name.into(),
            manifest: "m".into(),
            line: 1,
            dev: false,
        }
    }

    #[test]
    fn matches_exact_prefix_and_normalised_names() {
        assert!(find(&[dep(Cargo, "prometheus-client")], Category::Metrics).is_some());
        // dotnet/eShop: a MAUI app's Blazor web view is no server; the web SDK's framework is.
        assert!(
            find(
                &[dep(Nuget, "Microsoft.AspNetCore.Components.WebView.Maui")],
                Category::HttpServer
            )
            .is_none()
        );
        assert!(
            find(
                &[dep(Nuget, "Microsoft.AspNetCore.App")],
                Category::HttpServer
            )
            .is_some()
        );
        // microservices-demo's cartservice: gRPC on ASP.NET Core drains on SIGTERM.
        assert!(find(&[dep(Nuget, "Grpc.AspNetCore")], Category::GracefulServer).is_some());
        // dotnet/eShop: OpenTelemetry metrics through the hosting package.
        assert!(
            find(
                &[dep(Nuget, "OpenTelemetry.Extensions.Hosting")],
                Category::Metrics
            )
            .is_some()
        );
        assert!(
            find(
                &[dep(Nuget, "OpenTelemetry.Instrumentation.Http")],
                Category::Metrics
            )
            .is_none()
        );
        assert!(find(&[dep(Python, "Prometheus_Client")], Category::Metrics).is_some());
        assert!(find(&[dep(Npm, "@opentelemetry/api")], Category::Tracing).is_some());
        assert!(
            find(
                &[dep(Gradle, "io.micrometer:micrometer-core")],
                Category::Metrics
            )
            .is_some()
        );
        assert!(
            find(
                &[dep(
                    Maven,
                    "org.springframework.boot:spring-boot-starter-actuator"
                )],
                Category::Metrics
            )
            .is_some()
        );
        assert!(find(&[dep(Cargo, "metrics-util-extra")], Category::Metrics).is_none());
        assert!(
            find(&[dep(Npm, "tracing")], Category::StructuredLogging).is_none(),
            "ecosystem matters"
        );
    }
}
