DROP TRIGGER webhook_delivery_due ON webhook_deliveries;
DROP FUNCTION webhook_delivery_due();
DROP TABLE webhook_delivery_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhooks;
