//! A router that remembers its routes. axum cannot list the routes of a
//! `Router`, so every route is added through [`Routes::add`], which records its
//! methods and path; the OpenAPI test compares that table with the paths the
//! description names, in both directions.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodFilter, on};

use super::AppState;

/// One route: the methods it answers and its path in axum's syntax
/// (`/api/docs/{*id}`), prefix included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    pub methods: &'static [&'static str],
    pub path: String,
}

impl RouteInfo {
    /// The path as OpenAPI writes it: `{*id}` (a rest of the path) is `{id}`.
    pub fn openapi_path(&self) -> String {
        self.path.replace("{*", "{")
    }
}

/// A router under construction and the table of what it holds.
pub(super) struct Routes {
    prefix: &'static str,
    pub router: Router<AppState>,
    pub table: Vec<RouteInfo>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::under("")
    }

    /// Routes that will be nested under `prefix` (recorded with it).
    pub fn under(prefix: &'static str) -> Routes {
        Routes {
            prefix,
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// Adds `handler` for `methods` (`"GET"`, `"POST"`, ...) at `path`.
    pub fn add<H, T>(
        mut self,
        methods: &'static [&'static str],
        path: &'static str,
        handler: H,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = methods
            .iter()
            .map(|m| match *m {
                "GET" => MethodFilter::GET,
                "POST" => MethodFilter::POST,
                "PUT" => MethodFilter::PUT,
                "DELETE" => MethodFilter::DELETE,
                "PATCH" => MethodFilter::PATCH,
                other => panic!("route {path}: method {other} is not routed here"),
            })
            .reduce(MethodFilter::or)
            .unwrap_or_else(|| panic!("route {path} names no method"));
        self.router = self.router.route(path, on(filter, handler));
        self.table.push(RouteInfo {
            methods,
            path: format!("{}{path}", self.prefix),
        });
        self
    }

    /// Both routers' routes in one.
    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// `other`'s routes nested under its prefix, with `other`'s fallback.
    pub fn nest(mut self, other: Routes) -> Routes {
        self.router = self.router.nest(other.prefix, other.router);
        self.table.extend(other.table);
        self
    }
}
