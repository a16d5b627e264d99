//! The models `#[derive(Model)]` registers, collected like migrations.

use crate::schema::Model;

/// One `#[derive(Model)]` type, as the derive registers it: the function that builds its model.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ModelRegistration {
    // Public only for the code `#[derive(Model)]` expands to; semver-exempt.
    #[doc(hidden)]
    pub model: fn() -> Model,
}

inventory::collect!(ModelRegistration);

impl Model {
    /// Every model declared with `#[derive(Model)]` in the linked program, sorted by table name
    /// (then by origin, should two types declare one table).
    ///
    /// As with [`Migration::registered`](crate::Migration::registered), a crate's models are found
    /// only if that crate is linked: a binary or test that uses nothing else from the crate
    /// declaring them says `use my_app as _;`.
    pub fn registered() -> Vec<Model> {
        let mut all: Vec<Model> = inventory::iter::<ModelRegistration>
            .into_iter()
            .map(|registration| (registration.model)())
            .collect();
        all.sort_by(|a, b| a.table.name.cmp(&b.table.name).then_with(|| a.origin.cmp(&b.origin)));
        all
    }
}
