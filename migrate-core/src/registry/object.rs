//! The views, functions and triggers an app declares with `migrate::schema_object!`, collected
//! like models.

use crate::schema::SchemaObject;

/// One declared view, function or trigger, as `migrate::schema_object!` registers it: the
/// function that builds it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct SchemaObjectRegistration {
    // Public only for the code `migrate::schema_object!` expands to; semver-exempt.
    #[doc(hidden)]
    pub object: fn() -> SchemaObject,
}

inventory::collect!(SchemaObjectRegistration);

impl SchemaObject {
    /// Every view, function and trigger declared with `migrate::schema_object!` in the linked
    /// program, sorted by kind (views, functions, triggers) and name.
    pub fn registered() -> Vec<SchemaObject> {
        let mut all: Vec<SchemaObject> = inventory::iter::<SchemaObjectRegistration>
            .into_iter()
            .map(|registration| (registration.object)())
            .collect();
        all.sort_by(|a, b| (kind_order(a), a.name()).cmp(&(kind_order(b), b.name())));
        all
    }
}

/// Views first, then functions, then triggers.
fn kind_order(object: &SchemaObject) -> u8 {
    match object {
        SchemaObject::View(_) => 0,
        SchemaObject::Function(_) => 1,
        SchemaObject::Trigger(_) => 2,
    }
}
