CREATE TABLE "search_terms" (
	"workspace_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"term" text COLLATE "C" NOT NULL,
	CONSTRAINT "search_terms_workspace_id_record_type_record_id_kind_term_pk" PRIMARY KEY("workspace_id","record_type","record_id","kind","term")
);
--> statement-breakpoint
ALTER TABLE "search_terms" ADD CONSTRAINT "search_terms_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_terms_prefix_idx" ON "search_terms" USING btree ("workspace_id","term");--> statement-breakpoint
-- Search folding: lower case without accents, the same on every server and locale (translate, not lower():
-- lower() follows the database locale, and under the C locale it leaves É and Д as they are).
-- ASCII text (byte length = character length) takes the fast path: translate() scans its whole map for
-- every character, lower() under the C collation only maps A-Z whatever the database locale (no Turkish ı).
CREATE FUNCTION rapport_fold(v text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select case when octet_length(v) = char_length(v) then lower(v collate "C") else translate(v, 'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƁƂƄƆƇƉƊƋƎƏƐƑƓƔƖƗƘƜƝƟƠơƢƤƦƧƩƬƮƯưƱƲƳƵƷƸƼǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǤǦǧǨǩǪǫǬǭǮǯǰǴǵǶǷǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȢȤȦȧȨȩȪȫȬȭȮȯȰȱȲȳȺȻȽȾɁɃɄɅɆɈɊɌɎΆ·ΈΉΊΌΎΏΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫάέήίΰϊϋόύώЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẞẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹỺỼỾ', 'abcdefghijklmnopqrstuvwxyzaaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddđeeeeeeeeeegggggggghhħiiiiiiiiijjkkllllllłnnnnnnŋooooooœrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzsɓƃƅɔƈɖɗƌǝəɛƒɠɣɩɨƙɯɲɵooƣƥʀƨʃƭʈuuʊʋƴƶʒƹƽaaiioouuuuuuuuuuaaaaææǥggkkooooʒʒjggƕƿnnaaææøøaaaaeeeeiiiioooorrrruuuussttȝhhƞȣȥaaeeooooooooyyⱥȼƚⱦɂƀʉʌɇɉɋɍɏα·εηιουωιαβγδεζηθικλμνξοπρστυφχψωιυαεηιυιυουωееђгєѕііјљњћкиуџабвгдежзииклмнопрстуфхцчшщъыьэюяaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwysßaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyỻỽỿ') end
$$;--> statement-breakpoint
-- The words of a value, and the parts of words with punctuation in them: "Jean-Luc O'Neill" →
-- jean-luc, o'neill, jean, luc, o, neill. Splitting on spaces is string_to_table, not a regex: this
-- runs for every name of every record written. Repeats are dropped by the inserts' ON CONFLICT.
CREATE FUNCTION rapport_words(v text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select left(w, 100) from (
    select string_to_table(translate(n, E'\t\n\r', '   '), ' ') as w from (select rapport_fold(v) as n) s
    union all
    select regexp_split_to_table(n, '[[:space:][:punct:]]+') from (select rapport_fold(v) as n) s where n ~ '[[:punct:]]'
  ) x where w <> ''
$$;
--> statement-breakpoint
-- Existing contacts become findable (the same terms as refreshSearch writes).
INSERT INTO search_terms (workspace_id, record_type, record_id, kind, term)
SELECT r.workspace_id, 'contact', r.id, t.kind, t.term
FROM contacts r CROSS JOIN LATERAL (
    select 'name' as kind, w as term from rapport_words(r.first_name) w
    union all select 'name', w from rapport_words(r.last_name) w
    union all select 'email', left(rapport_fold(e->>'value'), 200) from jsonb_array_elements(r.emails) e
    union all select 'domain', split_part(rapport_fold(e->>'value'), '@', 2) from jsonb_array_elements(r.emails) e
    union all select 'phone', regexp_replace(p->>'value', '[^0-9]', '', 'g') from jsonb_array_elements(r.phones) p
) t
WHERE r.deleted_at IS NULL AND t.term IS NOT NULL AND t.term <> ''
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Existing companies become findable (the same terms as refreshSearch writes).
INSERT INTO search_terms (workspace_id, record_type, record_id, kind, term)
SELECT r.workspace_id, 'company', r.id, t.kind, t.term
FROM companies r CROSS JOIN LATERAL (
    select 'name' as kind, w as term from rapport_words(r.name) w
    union all select 'domain', rapport_fold(r.domain)
    union all select 'phone', regexp_replace(r.phone, '[^0-9]', '', 'g')
) t
WHERE r.deleted_at IS NULL AND t.term IS NOT NULL AND t.term <> ''
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Existing leads become findable (the same terms as refreshSearch writes).
INSERT INTO search_terms (workspace_id, record_type, record_id, kind, term)
SELECT r.workspace_id, 'lead', r.id, t.kind, t.term
FROM leads r CROSS JOIN LATERAL (
    select 'name' as kind, w as term from rapport_words(r.first_name) w
    union all select 'name', w from rapport_words(r.last_name) w
    union all select 'company', w from rapport_words(r.company_name) w
    union all select 'email', left(rapport_fold(r.email), 200) from (select r.email) e
    union all select 'domain', split_part(rapport_fold(r.email), '@', 2) from (select r.email) e
    union all select 'phone', regexp_replace(r.phone, '[^0-9]', '', 'g')
) t
WHERE r.deleted_at IS NULL AND t.term IS NOT NULL AND t.term <> ''
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Existing deals become findable (the same terms as refreshSearch writes).
INSERT INTO search_terms (workspace_id, record_type, record_id, kind, term)
SELECT r.workspace_id, 'deal', r.id, t.kind, t.term
FROM deals r CROSS JOIN LATERAL (select 'name' as kind, w as term from rapport_words(r.name) w
) t
WHERE r.deleted_at IS NULL AND t.term IS NOT NULL AND t.term <> ''
ON CONFLICT DO NOTHING;
