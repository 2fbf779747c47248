//! The curators' page (`/admin`): public HTML holding no data, a sign-in form
//! and the empty sections `web/admin.js` fills from the token-guarded routes
//! under `/api/admin/`. The token is typed once per browser session and kept in
//! `sessionStorage`, sent as `Authorization: Bearer`, never in a URL. Without
//! `EOSKB_ADMIN_TOKEN` the page says the curators' page is not enabled.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::{Section, page, shell};
use crate::server::{AppState, TOKEN_VARIABLE};

/// The page's body: no data, only what the script fills once signed in.
const BODY: &str = include_str!("../../../web/admin.html");

/// `GET /admin`.
pub async fn admin(State(state): State<AppState>) -> Response {
    if state.admin_token.is_none() {
        return page(
            StatusCode::NOT_FOUND,
            Section::Admin,
            "Curators",
            &format!(
                "<p>The curators' page is not enabled on this server: start <code>eoskb serve</code> \
                 with <code>{TOKEN_VARIABLE}</code> set to a secret token, then sign in here with it.</p>"
            ),
        );
    }
    let html = shell(
        Section::Admin,
        "Curators · eoskb",
        "admin",
        BODY,
        &["admin.js"],
    );
    (StatusCode::OK, Html(html)).into_response()
}
