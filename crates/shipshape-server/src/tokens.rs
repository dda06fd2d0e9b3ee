//! Token administration for `shipshape serve token create|list|revoke`: works on
//! the store directly (no running server needed) and writes the audit log.

use crate::auth::{self, Scope};
use crate::store::{AuditEntry, NewToken, Store, StoreError, TokenRow};

/// A token just created: the secret is in `token`, shown once and never stored.
#[derive(Debug)]
pub struct CreatedToken {
    pub id: i64,
    pub token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{0}")]
    Invalid(String),
    #[error("no randomness available from the operating system: {0}")]
    Random(getrandom::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates a token. `repo_glob` is only allowed (and only meaningful) with `upload`.
pub async fn create(
    store: &dyn Store,
    name: &str,
    scope: Scope,
    repo_glob: Option<&str>,
    expires_at: Option<i64>,
    actor: &str,
    now: i64,
) -> Result<CreatedToken, TokenError> {
    if name.trim().is_empty() {
        return Err(TokenError::Invalid("a token needs a --name".into()));
    }
    if let Some(glob) = repo_glob {
        if scope != Scope::Upload {
            return Err(TokenError::Invalid(
                "--repo limits upload tokens; read and admin tokens cover every repository".into(),
            ));
        }
        globset::Glob::new(glob).map_err(|e| {
            TokenError::Invalid(format!("--repo {glob:?} is not a valid glob: {e}"))
        })?;
    }
    if expires_at.is_some_and(|t| t <= now) {
        return Err(TokenError::Invalid("--expires is in the past".into()));
    }
    let token = auth::generate().map_err(TokenError::Random)?;
    let id = store
        .create_token(
            NewToken {
                name: name.to_string(),
                hash: auth::hash(&token).to_vec(),
                scope: scope.as_str().to_string(),
                repo_glob: repo_glob.map(str::to_string),
                created_at: now,
                expires_at,
            },
            AuditEntry {
                at: now,
                token_id: None,
                actor: actor.to_string(),
                action: "token.create".into(),
                subject: String::new(),
                detail: format!(
                    "name={name} scope={scope}{}{}",
                    repo_glob.map(|g| format!(" repo={g}")).unwrap_or_default(),
                    expires_at
                        .map(|t| format!(" expires={}", crate::time::rfc3339(t)))
                        .unwrap_or_default()
                ),
            },
        )
        .await?;
    Ok(CreatedToken { id, token })
}

/// Every token (hashes only), oldest first.
pub async fn list(store: &dyn Store) -> Result<Vec<TokenRow>, TokenError> {
    Ok(store.tokens().await?)
}

/// Revokes a token by id; false when it does not exist or was already revoked.
pub async fn revoke(store: &dyn Store, id: i64, actor: &str, now: i64) -> Result<bool, TokenError> {
    Ok(store
        .revoke_token(
            id,
            AuditEntry {
                at: now,
                token_id: None,
                actor: actor.to_string(),
                action: "token.revoke".into(),
                subject: String::new(),
                detail: String::new(),
            },
        )
        .await?)
}
