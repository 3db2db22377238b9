// Chart options for the supervision statistics, kept apart from the page so
// they can be checked without a canvas.
import type { components } from '../api/schema'

type Stats = components['schemas']['SupervisionStats']
type Text = components['schemas']['Text']

/** The statistics charts. */
export type ChartName = 'byProcedure' | 'byStage' | 'byOutcome' | 'processing' | 'refusals' | 'overdueOffices'

function bars(names: string[], series: { name: string; data: number[] }[]) {
  return {
    tooltip: { trigger: 'axis' },
    legend: series.length > 1 ? { top: 0 } : undefined,
    grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 4 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((s) => ({ type: 'bar', ...s })),
  }
}

/** chartOptions gives the ECharts option of one chart. */
export function chartOptions(c: ChartName, s: Stats, tx: (t: Text | undefined) => string, t: (k: string) => string) {
  switch (c) {
    case 'byProcedure': {
      const p = s.byProcedure ?? []
      return bars(p.map((x) => x.title || x.procedureId), [
        { name: t('status.open'), data: p.map((x) => x.open) },
        { name: t('status.closed'), data: p.map((x) => x.closed) },
      ])
    }
    case 'byStage': {
      const p = s.byStage ?? []
      return bars(p.map((x) => x.stageTitle || x.stage), [{ name: t('status.open'), data: p.map((x) => x.open) }])
    }
    case 'byOutcome': {
      const p = s.byOutcome ?? []
      return { tooltip: { trigger: 'item' }, series: [{ type: 'pie', radius: '65%', data: p.map((x) => ({ name: tx(x.label) || x.outcome, value: x.count })) }] }
    }
    case 'processing': {
      const p = s.processingTime ?? []
      return bars(p.map((x) => x.procedureId), [
        { name: 'P50', data: p.map((x) => x.p50) },
        { name: 'P90', data: p.map((x) => x.p90) },
        { name: 'P95', data: p.map((x) => x.p95) },
      ])
    }
    case 'refusals': {
      const p = s.refusals ?? []
      return bars(p.map((x) => tx(x.label) || x.reason), [{ name: t('desk.refusals'), data: p.map((x) => x.count) }])
    }
    case 'overdueOffices': {
      const p = s.overdue ?? []
      return bars(p.map((x) => x.officeName || x.office), [{ name: t('desk.overdue'), data: p.map((x) => x.overdue) }])
    }
  }
}
