//! `hctl flags ramp`: the options checked, the change confirmed (production
//! asks first), the ramp run by [`crate::ramp`], its result rendered
//! as a table or JSON. Exit 0 when complete, 1 when a guard broke or the
//! ramp gave up holding, 2 for bad input (a guard Prometheus rejects), 3
//! when the server or Prometheus cannot be reached at the start.

use std::time::Duration;

use anyhow::Result;
use comfy_table::Cell;

use super::Ctx;
use crate::cli::flags::RampArgs;
use crate::exit::{Exit, UsageError};
use crate::flags::Client;
use crate::output::{self, Format};
use crate::ramp::{self, Options, Outcome, Ramp, Runner, Start};
use crate::ui::confirm::Scope;

pub async fn run(ctx: &Ctx, client: Client, args: RampArgs) -> Result<Exit> {
    let settings = ctx.settings()?;
    let prometheus_url = settings.require("prometheus_url")?.to_string();
    ramp::check_steps(&args.steps).map_err(UsageError::new)?;
    let interval = args.interval;
    if interval < Duration::from_millis(100) {
        return Err(UsageError::new("--interval must be at least 100ms").into());
    }
    let opts = Options {
        steps: args.steps,
        interval,
        resolution: args
            .resolution
            .unwrap_or_else(|| (interval / 10).max(Duration::from_secs(1))),
        guards: args.guards,
        min_samples: args.min_samples as usize,
        on_breach: args.on_breach,
        hold_timeout: args.hold_timeout.unwrap_or(interval * 3),
        restart: args.restart,
        request_timeout: Duration::from_secs(args.common.timeout.max(1)),
    };
    let change = ctx.change("hctl flags ramp", Scope::Production, false)?;
    let flag = client.get(&args.name).await?;
    let history = client.audit(&args.name, 100).await?;
    let start = ramp::start(&flag, &history, &opts)?;
    ramp::precheck(&prometheus_url, &opts.guards, opts.request_timeout).await?;
    let plan = match start {
        Start::Resume(i) => format!("resume at {}%", opts.steps[i]),
        Start::Fresh(i) => format!("set it to {}%", opts.steps[i]),
    };
    change.confirm(&format!(
        "ramp feature flag `{}` in `{}` through {}% ({plan}), every {}",
        args.name,
        settings.env,
        opts.steps
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join("% → "),
        crate::duration::human(interval)
    ))?;
    let style = &ctx.style;
    let say = |line: &str| output::note(style, line);
    let runner = Runner {
        client: &client,
        prometheus_url: &prometheus_url,
        name: &args.name,
        opts: &opts,
        say: &say,
    };
    let result = runner.run(start).await?;
    render(ctx, &result)?;
    if result.outcome == Outcome::Completed {
        Ok(Exit::Success)
    } else {
        output::diagnostic(&format!("ramp of `{}`: {}", result.flag, result.detail));
        Ok(Exit::Failed)
    }
}

fn render(ctx: &Ctx, ramp: &Ramp) -> Result<()> {
    if ctx.format() == Format::Json {
        output::print_json(ramp)?;
        return Ok(());
    }
    let mut table = ctx
        .style
        .table(&["at", "step", "rollout", "decision", "detail"]);
    for d in &ramp.decisions {
        table.add_row(vec![
            Cell::new(d.at.format("%H:%M:%S").to_string()),
            Cell::new(format!("{}/{}", d.step, ramp.steps.len())),
            Cell::new(if d.enabled {
                format!("{}%", d.rollout)
            } else {
                "off".to_string()
            }),
            Cell::new(d.action.as_str()),
            Cell::new(&d.detail),
        ]);
    }
    output::print_table(&table)?;
    Ok(())
}
