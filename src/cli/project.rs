//! What the commands that write into the app's crate need besides `migrate-scaffold`: the
//! build checked against the source, the models compared with the database, the databases a
//! rebase would change the ancestry of, and a squash's body recorded from the registered code.

use std::io::IsTerminal as _;

use migrate_scaffold::{Body, Project};

use super::{Session, config, migrator, renames, same_revisions, text};
use crate::autogenerate::{self, Comparison};
use crate::{DatabasePool, Direction, Migrator, Model, SchemaObject};

impl Session<'_> {
    /// The registered models compared with the database, which must be at the heads (as
    /// Alembic's "Target database is not up to date").
    pub(super) async fn compare_models(&self) -> Result<Comparison, String> {
        let models = Model::registered();
        if models.is_empty() {
            return Err("no models are registered (#[derive(Model)]): compared with them, every table \
                        would be dropped; declare the models, or link the crate that has them \
                        (`use my_app as _;`)"
                .to_owned());
        }
        let database = self.database()?;
        let pool = self.connect().await?;
        let read = async {
            let current = self.migrator.current(&pool).await.map_err(text)?;
            let heads = self.migrator.graph().heads();
            if !same_revisions(&heads, &current) {
                return Err(format!(
                    "the database is not up to date: it is at {}, the heads are {}; upgrade it first \
                     (`upgrade heads`), so that only the models' changes are compared",
                    if current.is_empty() { "base".to_owned() } else { current.join(", ") },
                    heads.join(", ")
                ));
            }
            self.migrator.read_schema(&pool).await.map_err(text)
        };
        let schema = read.await;
        pool.close().await;
        autogenerate::compare_with_objects(&models, &SchemaObject::registered(), &schema?, database)
            .map_err(text)
    }

    /// Refuses to write from a build older than the source: the migrations it would follow and
    /// the models it compares must be the source's.
    pub(super) fn check_build_is_current(&self, project: &Project) -> Result<(), String> {
        let (source, built) = (project.graph().heads(), self.migrator.graph().heads());
        if !same_revisions(&source, &built) {
            return Err(format!(
                "the source files' heads are {} but this build's are {}: build the app again, so \
                 that its migrations and models are the source's",
                source.join(", "),
                built.join(", ")
            ));
        }
        Ok(())
    }

    /// Whether renames can be asked: on a terminal, unless `--quiet`.
    pub(super) fn asks(&self) -> renames::Asking {
        if std::io::stdin().is_terminal() && !self.options.quiet {
            renames::Asking::Terminal
        } else {
            renames::Asking::No
        }
    }

    /// Refuses when any of `moved` is applied in a database the configuration knows (the
    /// environments, and `--url` or the environment variables), except those skipped.
    pub(super) async fn refuse_applied(
        &self,
        project: &Project,
        moved: &[String],
        skipped: &[String],
    ) -> Result<(), String> {
        let mut places = config::Settings::every_environment(self.config)?;
        if let Ok(url) = self.url()
            && !places.iter().any(|(_, settings)| settings.database_url.as_deref() == Some(url.as_str()))
        {
            let mut settings = self.settings.clone();
            settings.database_url = Some(url);
            places.push(("the database URL given".to_owned(), settings));
        }
        for (name, settings) in places.into_iter().filter(|(name, _)| !skipped.contains(name)) {
            let Some(url) = settings.database_url.clone() else { continue };
            let unreachable = |error: String| {
                format!(
                    "can't check environment '{name}' ({}) for the branch's revisions: {error}; \
                     pass --skip-env {name} if it can't be reached from here",
                    crate::redact_url(&url)
                )
            };
            // The database may hold revisions of the branch this build doesn't have yet.
            let migrator = migrator(&settings).map_err(text)?.allow_unknown_revisions(true);
            let pool = DatabasePool::connect_within(&url, settings.connect_timeout())
                .await
                .map_err(|error| unreachable(error.to_string()))?;
            let current = migrator.current(&pool).await;
            pool.close().await;
            let current = current.map_err(|error| unreachable(error.to_string()))?;
            let range = |head: &String| project.graph().history(&format!("base:{head}"), &[] as &[&str]);
            for head in &current {
                let applied = range(head).map_err(text)?;
                if let Some(revision) =
                    applied.iter().find(|revision| moved.iter().any(|id| id == revision.id()))
                {
                    return Err(format!(
                        "revision {} of the branch is applied in environment '{name}' ({}): rebasing \
                         would change the ancestry of what that database holds; join the heads with \
                         `merge -m \"...\" heads` instead",
                        revision.id(),
                        crate::redact_url(&url)
                    ));
                }
            }
        }
        Ok(())
    }

    /// The app's crate, as its source files declare it: the folder of the configuration file,
    /// else of the nearest `Cargo.toml`.
    pub(super) fn project(&self) -> Result<Project, String> {
        let root = match self.config.canonicalize() {
            Ok(config) => config.parent().map(std::path::Path::to_path_buf).unwrap_or_default(),
            Err(_) => Project::find_root().map_err(text)?,
        };
        Project::open(&root).map_err(text)
    }
}

/// One body for the migrations of `range`: their upgrades' operations in order, and their
/// downgrades' in reverse (none when each is its upgrade's inverse, as the squash's then is;
/// `irreversible` when one of them is).
pub(super) fn squashed_body(migrator: &Migrator, range: &[String]) -> Result<Body, String> {
    let recorded = |revision: &str, direction| match migrator.operations(revision, direction) {
        Ok(Some(operations)) => Ok(Some(operations)),
        Ok(None) => Err(format!(
            "{revision} is an async migration, whose changes aren't recorded: squash the ranges \
             before and after it instead"
        )),
        // A downgrade that is refused (irreversible, or not derivable) makes the squash irreversible.
        Err(_) if direction == Direction::Downgrade => Ok(None),
        Err(error) => Err(error.to_string()),
    };
    let mut upgrade = Vec::new();
    for revision in range {
        upgrade.extend(recorded(revision, Direction::Upgrade)?.unwrap_or_default());
    }
    let registered = crate::Migration::registered();
    let derived = range.iter().all(|revision| {
        registered
            .iter()
            .any(|migration| migration.revision() == revision && !migration.has_downgrade_function())
    });
    let mut downgrade = Vec::new();
    let mut irreversible = false;
    for revision in range.iter().rev() {
        match recorded(revision, Direction::Downgrade)? {
            Some(operations) => downgrade.extend(operations),
            None => irreversible = true,
        }
    }
    Ok(Body {
        upgrade: crate::autogenerate::render(&upgrade, &[]),
        downgrade: (!derived && !irreversible).then(|| crate::autogenerate::render(&downgrade, &[])),
        irreversible,
    })
}
