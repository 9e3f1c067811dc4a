//! `driftgate rules`: the active risk rules, as a table, JSON, or one rule as TOML.

use serde::Serialize;

use super::Context;
use crate::baseline;
use crate::cli::{GlobalArgs, ListingFormat, ListingFormatArg};
use crate::config::RuleConfig;
use crate::error::{Error, Exit};
use crate::report::render::listing::Table;
use crate::ui::Ui;

/// List the active risk rules
///
/// Built-in rules first, then the `[[rule]]` entries of driftgate.toml, in the order they
/// are tried. Each change gets the highest severity of the rules that match it. Given
/// an ID, prints that rule as a `[[rule]]` entry to copy into driftgate.toml.
///
/// Rules take effect with the baseline that records them: drift from the accepted
/// baseline, and proposals made on it, are judged by the rules it was accepted with.
/// `--in-force` lists those.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  driftgate rules                          the active risk rules
  driftgate rules --all --format json")]
pub struct RulesArgs {
    #[command(flatten)]
    pub format: ListingFormatArg,
    /// Print only this rule, as TOML
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Also list the built-in rules that are turned off
    #[arg(long, conflicts_with = "in_force")]
    pub all: bool,
    /// List the rules of the accepted baseline instead of driftgate.toml's
    #[arg(long)]
    pub in_force: bool,
}

/// One rule as listed.
#[derive(Debug, Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    spec: &'a RuleConfig,
    /// `builtin`, `config` or `config (replaces built-in)`.
    source: &'a str,
    /// Whether the rule is in force.
    active: bool,
}

/// The JSON listing.
#[derive(Debug, Serialize)]
struct Listing<'a> {
    default_severity: &'a str,
    rules: Vec<Row<'a>>,
}

/// Runs `rules`.
pub fn run(ui: &mut Ui, g: &GlobalArgs, args: &RulesArgs) -> Result<Exit, Error> {
    let loaded = Context::load(g)?;
    let current = baseline::load_baseline(&loaded.store)?;
    // The tree's rule book as a snapshot would record it: with the baseline's
    // redaction keys kept.
    let cx = match &current {
        Some(b) => loaded
            .keeping_redaction(&[&crate::lifecycle::in_force::load_rules(&loaded.store, b)?])?,
        None => loaded,
    };
    let recorded = match &current {
        Some(b) => Some(crate::lifecycle::source::rules_in_force(&cx, b)?),
        None => None,
    };
    let set = match (&recorded, args.in_force) {
        (Some(r), true) => r,
        (None, true) => {
            return Err(
                Error::input("no accepted baseline: no rules are in force yet")
                    .hint("without `--in-force`, `driftgate rules` lists those of driftgate.toml"),
            );
        }
        (_, false) => &cx.rules,
    };
    if let (Some(b), false) = (&current, args.in_force)
        && b.rules != cx.rules.book(&cx.config.compare).hash()
    {
        ui.status(format!(
            "note: these differ from the rules of the accepted baseline {}, which judge drift \
             and proposals until a baseline with these is accepted (`--in-force` lists them)",
            baseline::short(&b.root_hash)
        ));
    }
    let mut rows: Vec<Row> = set
        .rules()
        .iter()
        .map(|r| Row {
            spec: &r.spec,
            source: r.origin.as_str(),
            active: true,
        })
        .collect();
    if args.all || args.id.is_some() {
        rows.extend(set.disabled().iter().map(|spec| Row {
            spec,
            source: "builtin",
            active: false,
        }));
    }
    if let Some(id) = &args.id {
        let Some(row) = rows.iter().find(|r| &r.spec.id == id) else {
            return Err(Error::input(format!("no rule `{id}`"))
                .hint("run `driftgate rules --all` to list every rule"));
        };
        if args.format.format == ListingFormat::Json {
            crate::report::render::listing::json(row, ui.out())?;
        } else {
            #[derive(Serialize)]
            struct One<'a> {
                rule: [&'a RuleConfig; 1],
            }
            let text = toml::to_string(&One { rule: [row.spec] })
                .map_err(|e| Error::input(format!("cannot print rule `{id}`: {e}")))?;
            if !row.active {
                writeln!(
                    ui.out(),
                    "# turned off by `rules.disable` or `rules.builtin`"
                )?;
            }
            write!(ui.out(), "{text}")?;
        }
        return Ok(Exit::Clean);
    }
    if args.format.format == ListingFormat::Json {
        let listing = Listing {
            default_severity: set.default_severity().as_str(),
            rules: rows,
        };
        crate::report::render::listing::json(&listing, ui.out())?;
        return Ok(Exit::Clean);
    }
    let mut table = Table::new(["id", "severity", "source", "description"]);
    for r in &rows {
        let source = if r.active {
            r.source.to_string()
        } else {
            format!("{} (off)", r.source)
        };
        table.row([
            r.spec.id.as_str(),
            r.spec.severity.as_str(),
            &source,
            &r.spec.description,
        ]);
    }
    table.render(ui.out())?;
    let active = set.rules().len();
    let own = set
        .rules()
        .iter()
        .filter(|r| r.origin != crate::rules::Origin::Builtin)
        .count();
    let source = if args.in_force {
        "in the accepted baseline"
    } else {
        "from driftgate.toml"
    };
    ui.status(format!(
        "{active} active rule(s), {own} {source}; {} built-in rule(s) off; \
         changes no rule matches are {}",
        set.disabled().len(),
        set.default_severity().as_str()
    ));
    Ok(Exit::Clean)
}
