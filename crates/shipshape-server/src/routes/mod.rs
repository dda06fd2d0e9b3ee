//! HTTP handlers, one module per resource. Handlers are thin: parse, authorise,
//! call the store, render; every failure is an [`Error`](crate::error::Error).

pub mod campaign_pages;
pub mod campaigns;
pub mod checks;
pub mod fleet;
pub mod ops;
pub mod pages;
pub mod reports;
pub mod signin;
pub mod teams;
pub mod units;
pub mod waivers;

use crate::error::Error;
use crate::store::Page;
use serde::Deserialize;

/// Default and largest page sizes.
pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// `?cursor=…&limit=…`: the cursor is opaque to clients (it is the last id seen).
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, Error> {
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(c) => Some(c.parse::<i64>().map_err(|_| {
                Error::BadRequest(format!(
                    "invalid cursor {c:?}: pass the next_cursor of a previous page"
                ))
            })?),
        };
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::BadRequest(format!(
                "limit must be between 1 and {MAX_LIMIT}"
            )));
        }
        Ok(Page { cursor, limit })
    }
}

/// The next cursor: the last id when the page is full (there may be more).
pub fn next_cursor(ids: impl Iterator<Item = i64>, len: usize, page: &Page) -> Option<String> {
    (len as i64 == page.limit)
        .then(|| ids.last().map(|id| id.to_string()))
        .flatten()
}

/// Query and path rejections as problem+json.
pub fn bad_query(e: impl std::fmt::Display) -> Error {
    Error::BadRequest(e.to_string())
}
