import { sql, type Kysely } from 'kysely';

// Lists at scale (issue 5). `order_by=email_address|phone_number|web3wallet` sorts users by the value of
// their primary identification, which lives in another table: sorting 1M users through a correlated
// subquery reads every row. The sort keys are copied onto `users`, next to the primary ids they follow,
// so a btree on (key, id) serves the first page of either direction like any other column.
//
// A trigger keeps them in step, because a primary id is set in several places (user creation, PATCH
// /users, PATCH and DELETE of an identification, the importer) and one missed path would silently
// mis-sort. It fires only when a primary id changes (or an insert names one without its key), so other
// writes pay nothing. Identification values never change after creation, so the id is all it follows.
// A bulk loader that inserts users before their identifications sets the keys itself.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table users
      add column primary_email_address_sort text,
      add column primary_phone_number_sort text,
      add column primary_web3_wallet_sort text`.execute(db);

  await sql`
    create function users_primary_sort_keys() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        if new.primary_email_address_id is not null and new.primary_email_address_sort is null then
          new.primary_email_address_sort := (select lower(email_address) from email_addresses where id = new.primary_email_address_id);
        end if;
        if new.primary_phone_number_id is not null and new.primary_phone_number_sort is null then
          new.primary_phone_number_sort := (select phone_number from phone_numbers where id = new.primary_phone_number_id);
        end if;
        if new.primary_web3_wallet_id is not null and new.primary_web3_wallet_sort is null then
          new.primary_web3_wallet_sort := (select lower(web3_wallet) from web3_wallets where id = new.primary_web3_wallet_id);
        end if;
        return new;
      end if;
      if new.primary_email_address_id is distinct from old.primary_email_address_id then
        new.primary_email_address_sort := (select lower(email_address) from email_addresses where id = new.primary_email_address_id);
      end if;
      if new.primary_phone_number_id is distinct from old.primary_phone_number_id then
        new.primary_phone_number_sort := (select phone_number from phone_numbers where id = new.primary_phone_number_id);
      end if;
      if new.primary_web3_wallet_id is distinct from old.primary_web3_wallet_id then
        new.primary_web3_wallet_sort := (select lower(web3_wallet) from web3_wallets where id = new.primary_web3_wallet_id);
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger users_primary_sort_keys_insert before insert on users for each row
    when (new.primary_email_address_id is not null or new.primary_phone_number_id is not null or new.primary_web3_wallet_id is not null)
    execute function users_primary_sort_keys()`.execute(db);
  await sql`
    create trigger users_primary_sort_keys_update
    before update of primary_email_address_id, primary_phone_number_id, primary_web3_wallet_id on users for each row
    when (new.primary_email_address_id is distinct from old.primary_email_address_id
       or new.primary_phone_number_id is distinct from old.primary_phone_number_id
       or new.primary_web3_wallet_id is distinct from old.primary_web3_wallet_id)
    execute function users_primary_sort_keys()`.execute(db);

  // Existing users: one set-based pass per kind (the trigger only sees future changes).
  await sql`
    update users u set primary_email_address_sort = lower(e.email_address)
    from email_addresses e where e.id = u.primary_email_address_id`.execute(db);
  await sql`
    update users u set primary_phone_number_sort = p.phone_number
    from phone_numbers p where p.id = u.primary_phone_number_id`.execute(db);
  await sql`
    update users u set primary_web3_wallet_sort = lower(w.web3_wallet)
    from web3_wallets w where w.id = u.primary_web3_wallet_id`.execute(db);

  await sql`create index users_primary_email_address_sort_idx on users (primary_email_address_sort, id)`.execute(db);
  await sql`create index users_primary_phone_number_sort_idx on users (primary_phone_number_sort, id)`.execute(db);
  await sql`create index users_primary_web3_wallet_sort_idx on users (primary_web3_wallet_sort, id)`.execute(db);
  // banned=true is rare: a partial index finds the banned few without walking a sort index past everyone.
  await sql`create index users_banned_idx on users (id) where banned`.execute(db);
}
