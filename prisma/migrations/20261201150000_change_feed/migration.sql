-- The change feed (lib/db/change-feed.ts): every committed change that the pay page's view depends
-- on is published on the channel "seqr_shop_changes" as 'order:<id>' or 'cart:<id>', so no code path
-- can forget to publish. NOTIFY is delivered at commit, once per payload and transaction. Only the
-- view's columns fire: the sweeper's lease and schedule (leaseOwner, leaseUntil, nextCheckAt,
-- lastStatusAt) and other bookkeeping never do.

CREATE FUNCTION "seqr_shop_notify_order"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('seqr_shop_changes', 'order:' || NEW."id");
  RETURN NULL;
END $$;

CREATE FUNCTION "seqr_shop_notify_attempt"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('seqr_shop_changes', 'order:' || NEW."orderId");
  RETURN NULL;
END $$;

CREATE FUNCTION "seqr_shop_notify_cart"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'CartLine' THEN
    PERFORM pg_notify('seqr_shop_changes', 'cart:' || COALESCE(NEW."cartId", OLD."cartId"));
  ELSE
    PERFORM pg_notify('seqr_shop_changes', 'cart:' || COALESCE(NEW."id", OLD."id"));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Order_changed" AFTER UPDATE ON "Order" FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status"
     OR OLD."totalOre" IS DISTINCT FROM NEW."totalOre"
     OR OLD."openAttemptId" IS DISTINCT FROM NEW."openAttemptId"
     OR OLD."publicToken" IS DISTINCT FROM NEW."publicToken"
     OR OLD."cartId" IS DISTINCT FROM NEW."cartId")
  EXECUTE FUNCTION "seqr_shop_notify_order"();

CREATE TRIGGER "PaymentAttempt_added" AFTER INSERT ON "PaymentAttempt" FOR EACH ROW
  EXECUTE FUNCTION "seqr_shop_notify_attempt"();

CREATE TRIGGER "PaymentAttempt_changed" AFTER UPDATE ON "PaymentAttempt" FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status"
     OR OLD."attemptNumber" IS DISTINCT FROM NEW."attemptNumber"
     OR OLD."invoiceReference" IS DISTINCT FROM NEW."invoiceReference"
     OR OLD."invoiceQRCode" IS DISTINCT FROM NEW."invoiceQRCode"
     OR OLD."amountOre" IS DISTINCT FROM NEW."amountOre"
     OR OLD."ersReference" IS DISTINCT FROM NEW."ersReference"
     OR OLD."expiresAt" IS DISTINCT FROM NEW."expiresAt"
     OR OLD."paidAt" IS DISTINCT FROM NEW."paidAt"
     OR OLD."resultCode" IS DISTINCT FROM NEW."resultCode")
  EXECUTE FUNCTION "seqr_shop_notify_attempt"();

CREATE TRIGGER "Cart_changed" AFTER UPDATE ON "Cart" FOR EACH ROW
  WHEN (OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "seqr_shop_notify_cart"();

CREATE TRIGGER "CartLine_added_or_removed" AFTER INSERT OR DELETE ON "CartLine" FOR EACH ROW
  EXECUTE FUNCTION "seqr_shop_notify_cart"();
