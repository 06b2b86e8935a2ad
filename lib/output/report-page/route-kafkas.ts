import type { ReportDetails } from "../../report/types.ts";
import { formatCount } from "../../shared/format.ts";
import { type Html, html, joinHtml } from "../html/html.ts";

/** The brokers behind unique_route_kafkas per plugin, under both of Kong's rules. */
export function renderRouteKafkas(details: ReportDetails): Html | undefined {
  const kafkas = details.route_kafkas;
  if (kafkas === undefined || kafkas.by_plugin.length === 0) return undefined;
  const rows = kafkas.by_plugin.map(
    (entry) =>
      html`<tr><th scope="row"><code>${entry.plugin}</code></th><td>${formatCount(entry.brokers)}</td><td>${joinHtml(
        entry.addresses.map((address) => html`<code>${address}</code>`),
        ", ",
      )}</td><td>${kafkas.counted_plugins.includes(entry.plugin) ? "yes" : "no"}</td></tr>`,
  );
  const family = kafkas.rule === "kafka-family";
  const rule = family
    ? "Kong 3.10 and later count the brokers of kafka-upstream, kafka-consume, confluent and confluent-consume"
    : "Kong up to 3.9 counts the brokers of kafka-upstream only";
  return html`<section aria-labelledby="kafkas">
<h2 id="kafkas">Kafka brokers on service-less routes</h2>
<p>${rule}: <strong>${formatCount(family ? kafkas.kafka_family : kafkas.kafka_upstream)}</strong> distinct <code>host:port</code> in the report. Under the other rule: ${formatCount(family ? kafkas.kafka_upstream : kafkas.kafka_family)} (${family ? "kafka-upstream only, up to 3.9" : "the whole Kafka family, 3.10+"}).</p>
<table><caption>Distinct brokers per plugin</caption>
<thead><tr><th scope="col">Plugin</th><th scope="col">Brokers</th><th scope="col">Addresses</th><th scope="col">Counted</th></tr></thead>
<tbody>
${joinHtml(rows, "\n")}
</tbody></table>
</section>`;
}
