/** Removing what a test made on a shared Kafka: its topics and consumer groups, by name prefix. */
import { Kafka, logLevel } from 'kafkajs';
import { parseBrokers } from '../../core/adapters/bus/kafka';

/** Deletes the topics and consumer groups whose names start with one of `prefixes`. */
export async function deleteNamespaces(brokers: string, prefixes: readonly string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const admin = new Kafka({ brokers: parseBrokers(brokers), logLevel: logLevel.NOTHING }).admin();
  const ours = (name: string) => prefixes.some((p) => name.startsWith(p));
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const ids = groups.map((g) => g.groupId).filter(ours);
    if (ids.length > 0) await admin.deleteGroups(ids).catch(() => {});
    const topics = (await admin.listTopics()).filter(ours);
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
