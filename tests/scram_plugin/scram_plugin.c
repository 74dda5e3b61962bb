/*
 * SCRAM-SHA-256 (RFC 5802 / RFC 7677) server side for mosquitto 2.0, as MQTT 5
 * enhanced authentication. A test fixture for the integration tests: it lets a
 * real broker drive the client's AUTH exchange, both at CONNECT and on
 * re-authentication.
 *
 * Build:
 *   gcc -shared -fPIC -O2 -Wall -Wextra -o scram_plugin.so scram_plugin.c -lcrypto
 *
 * mosquitto.conf (global, i.e. with per_listener_settings false):
 *   plugin /abs/path/scram_plugin.so
 *   plugin_opt_users alice:secret,bob:hunter2
 *   plugin_opt_deny_subscribe denied/     (optional: SUBSCRIBE to filters with this
 *                                          prefix is refused, SUBACK 0x87 Not authorized;
 *                                          everything else is allowed. mosquitto 2.0's
 *                                          acl_file grants every subscription and only
 *                                          filters delivery, so a test of a refused
 *                                          subscription needs this.)
 *
 * Exchange (authentication method "SCRAM-SHA-256"):
 *   CONNECT / AUTH 0x19  data = client-first   "n,,n=<user>,r=<cnonce>"
 *   AUTH 0x18 (server)   data = server-first   "r=<cnonce><snonce>,s=<salt>,i=4096"
 *   AUTH 0x18 (client)   data = client-final   "c=biws,r=<nonce>,p=<proof>"
 *   CONNACK / AUTH 0x00  data = server-final   "v=<server signature>"
 *
 * Salts are derived per user (first 16 bytes of SHA-256("scram-salt:" user)),
 * so the server-first message for a user is stable across broker restarts
 * apart from the nonce.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

/* mosquitto.h comes with libmosquitto-dev, which is not always installed next
 * to mosquitto-dev. The plugin only needs a few of its constants; their values
 * are part of the mosquitto 2.0 ABI. */
#if defined(__has_include)
#  if __has_include(<mosquitto.h>)
#    include <mosquitto.h>
#    define SCRAM_HAVE_MOSQUITTO_H 1
#  endif
#endif
#ifndef SCRAM_HAVE_MOSQUITTO_H
#  define MOSQ_ERR_AUTH_CONTINUE (-4)
#  define MOSQ_ERR_SUCCESS 0
#  define MOSQ_ERR_NOMEM 1
#  define MOSQ_ERR_INVAL 3
#  define MOSQ_ERR_NOT_SUPPORTED 10
#  define MOSQ_ERR_AUTH 11
#  define MOSQ_ERR_ACL_DENIED 12
#  define MOSQ_LOG_INFO (1 << 0)
#  define MOSQ_LOG_NOTICE (1 << 1)
#  define MOSQ_LOG_WARNING (1 << 2)
#  define MOSQ_LOG_ERR (1 << 3)
#  define MOSQ_LOG_DEBUG (1 << 4)
#endif

#define SCRAM_METHOD "SCRAM-SHA-256"
#define SCRAM_ITERATIONS 4096
#define SCRAM_SALT_LEN 16
#define SCRAM_SNONCE_BYTES 18 /* 24 base64 characters, never '=' padded */
#define SCRAM_HASH_LEN SHA256_DIGEST_LENGTH
#define SCRAM_MAX_MESSAGE 4096

struct scram_user {
	char *name;
	unsigned char salt[SCRAM_SALT_LEN];
	char salt_b64[((SCRAM_SALT_LEN + 2) / 3) * 4 + 1];
	unsigned char stored_key[SCRAM_HASH_LEN];
	unsigned char server_key[SCRAM_HASH_LEN];
};

/* One exchange in progress: the server-first message has been sent, the
 * client-final is awaited. */
struct scram_exchange {
	struct scram_exchange *next;
	const struct mosquitto *client;
	const struct scram_user *user;
	char *client_first_bare;
	char *server_first;
	char *nonce; /* cnonce + snonce */
};

static mosquitto_plugin_id_t *plugin_id = NULL;
static struct scram_user *users = NULL;
static size_t user_count = 0;
static struct scram_exchange *exchanges = NULL;

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static const char *client_label(const struct mosquitto *client)
{
	const char *id = client ? mosquitto_client_id(client) : NULL;
	return id ? id : "<unknown>";
}

static char *dup_range(const char *start, size_t len)
{
	char *s = mosquitto_malloc(len + 1);
	if(s){
		memcpy(s, start, len);
		s[len] = '\0';
	}
	return s;
}

static char *dup_str(const char *s)
{
	return dup_range(s, strlen(s));
}

static void free_secret(char *s)
{
	if(s){
		OPENSSL_cleanse(s, strlen(s));
		mosquitto_free(s);
	}
}

/* Copies AUTH data (binary, not NUL terminated) into a C string. Rejects
 * empty data, embedded NULs and oversized messages. */
static char *auth_data_to_string(const void *data, uint16_t len)
{
	if(data == NULL || len == 0 || len > SCRAM_MAX_MESSAGE) return NULL;
	if(memchr(data, '\0', len) != NULL) return NULL;
	return dup_range(data, len);
}

/* Base64 without line breaks. out must hold 4*ceil(len/3)+1 bytes. */
static void b64_encode(const unsigned char *in, size_t len, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

/* Strict base64 decode of exactly `expect` bytes. */
static bool b64_decode_exact(const char *in, unsigned char *out, size_t expect)
{
	size_t in_len = strlen(in);
	size_t pad = 0;
	unsigned char buf[SCRAM_MAX_MESSAGE];
	int n;

	if(in_len == 0 || in_len % 4 != 0 || in_len > sizeof(buf)) return false;
	if(in[in_len - 1] == '=') pad++;
	if(in_len >= 2 && in[in_len - 2] == '=') pad++;
	n = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)in_len);
	if(n < 0 || (size_t)n < pad || (size_t)n - pad != expect) return false;
	memcpy(out, buf, expect);
	OPENSSL_cleanse(buf, sizeof(buf));
	return true;
}

static bool hmac_sha256(const unsigned char *key, size_t key_len,
		const void *data, size_t data_len, unsigned char out[SCRAM_HASH_LEN])
{
	unsigned int out_len = 0;
	if(HMAC(EVP_sha256(), key, (int)key_len, data, data_len, out, &out_len) == NULL) return false;
	return out_len == SCRAM_HASH_LEN;
}

/* RFC 5802 saslname: ',' is sent as "=2C" and '=' as "=3D"; any other '=' is
 * malformed. Returns a new string. */
static char *saslname_decode(const char *in, size_t len)
{
	char *out = mosquitto_malloc(len + 1);
	size_t i, o = 0;

	if(!out) return NULL;
	for(i = 0; i < len; i++){
		if(in[i] == '='){
			if(len - i >= 3 && in[i+1] == '2' && in[i+2] == 'C'){
				out[o++] = ',';
			}else if(len - i >= 3 && in[i+1] == '3' && in[i+2] == 'D'){
				out[o++] = '=';
			}else{
				mosquitto_free(out);
				return NULL;
			}
			i += 2;
		}else{
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* RFC 5802 nonce: printable ASCII except ','. */
static bool valid_nonce(const char *s, size_t len)
{
	size_t i;
	if(len == 0) return false;
	for(i = 0; i < len; i++){
		unsigned char c = (unsigned char)s[i];
		if(c < 0x21 || c > 0x7e || c == ',') return false;
	}
	return true;
}

static const struct scram_user *find_user(const char *name)
{
	size_t i;
	for(i = 0; i < user_count; i++){
		if(strcmp(users[i].name, name) == 0) return &users[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Exchange state, keyed by client                                           */
/* ------------------------------------------------------------------------ */

static void exchange_free(struct scram_exchange *ex)
{
	if(!ex) return;
	mosquitto_free(ex->client_first_bare);
	mosquitto_free(ex->server_first);
	mosquitto_free(ex->nonce);
	mosquitto_free(ex);
}

/* Unlinks and returns the exchange of `client`, or NULL. */
static struct scram_exchange *exchange_take(const struct mosquitto *client)
{
	struct scram_exchange **p = &exchanges;
	while(*p){
		if((*p)->client == client){
			struct scram_exchange *found = *p;
			*p = found->next;
			found->next = NULL;
			return found;
		}
		p = &(*p)->next;
	}
	return NULL;
}

/* Forgets the exchange of `client`; true if there was one. */
static bool exchange_drop(const struct mosquitto *client)
{
	struct scram_exchange *ex = exchange_take(client);
	exchange_free(ex);
	return ex != NULL;
}

/* ------------------------------------------------------------------------ */
/* Users                                                                     */
/* ------------------------------------------------------------------------ */

static bool user_derive(struct scram_user *u, const char *password)
{
	static const char prefix[] = "scram-salt:";
	unsigned char digest[SHA256_DIGEST_LENGTH];
	unsigned char salted[SCRAM_HASH_LEN];
	unsigned char client_key[SCRAM_HASH_LEN];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = false;

	if(!md) return false;
	if(EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1
			|| EVP_DigestUpdate(md, prefix, sizeof(prefix) - 1) != 1
			|| EVP_DigestUpdate(md, u->name, strlen(u->name)) != 1
			|| EVP_DigestFinal_ex(md, digest, NULL) != 1){
		goto out;
	}
	memcpy(u->salt, digest, SCRAM_SALT_LEN);
	b64_encode(u->salt, SCRAM_SALT_LEN, u->salt_b64);

	if(PKCS5_PBKDF2_HMAC(password, (int)strlen(password), u->salt, SCRAM_SALT_LEN,
				SCRAM_ITERATIONS, EVP_sha256(), SCRAM_HASH_LEN, salted) != 1){
		goto out;
	}
	if(!hmac_sha256(salted, sizeof(salted), "Client Key", strlen("Client Key"), client_key)) goto out;
	if(!hmac_sha256(salted, sizeof(salted), "Server Key", strlen("Server Key"), u->server_key)) goto out;
	if(SHA256(client_key, sizeof(client_key), u->stored_key) == NULL) goto out;
	ok = true;
out:
	EVP_MD_CTX_free(md);
	OPENSSL_cleanse(salted, sizeof(salted));
	OPENSSL_cleanse(client_key, sizeof(client_key));
	return ok;
}

static void users_free(void)
{
	size_t i;
	for(i = 0; i < user_count; i++){
		mosquitto_free(users[i].name);
	}
	if(users){
		OPENSSL_cleanse(users, user_count * sizeof(*users));
		mosquitto_free(users);
	}
	users = NULL;
	user_count = 0;
}

static void trim(char **start, char **end)
{
	while(*start < *end && (**start == ' ' || **start == '\t')) (*start)++;
	while(*end > *start && ((*end)[-1] == ' ' || (*end)[-1] == '\t'
				|| (*end)[-1] == '\r' || (*end)[-1] == '\n')) (*end)--;
}

/* Parses "alice:secret,bob:hunter2" (password is everything after the first
 * ':' of an entry; entries are separated by ','). */
static int users_add_list(const char *value)
{
	char *copy = dup_str(value);
	char *entry, *next;
	int rc = MOSQ_ERR_SUCCESS;

	if(!copy) return MOSQ_ERR_NOMEM;
	for(entry = copy; entry && rc == MOSQ_ERR_SUCCESS; entry = next){
		char *end, *colon, *name_start, *name_end, *pw_start, *pw_end;
		struct scram_user *grown;

		next = strchr(entry, ',');
		end = next ? next : entry + strlen(entry);
		if(next) *next++ = '\0';

		name_start = entry;
		colon = memchr(entry, ':', (size_t)(end - entry));
		if(!colon){
			trim(&name_start, &end);
			if(name_start == end) continue; /* tolerate empty entries */
			mosquitto_log_printf(MOSQ_LOG_ERR, "scram: user entry '%s' has no ':password'", name_start);
			rc = MOSQ_ERR_INVAL;
			break;
		}
		name_end = colon;
		pw_start = colon + 1;
		pw_end = end;
		trim(&name_start, &name_end);
		trim(&pw_start, &pw_end);
		*name_end = '\0';
		*pw_end = '\0';
		if(*name_start == '\0'){
			mosquitto_log_printf(MOSQ_LOG_ERR, "scram: empty user name in plugin_opt_users");
			rc = MOSQ_ERR_INVAL;
			break;
		}
		if(find_user(name_start)){
			mosquitto_log_printf(MOSQ_LOG_ERR, "scram: user '%s' listed twice", name_start);
			rc = MOSQ_ERR_INVAL;
			break;
		}

		grown = mosquitto_realloc(users, (user_count + 1) * sizeof(*users));
		if(!grown){
			rc = MOSQ_ERR_NOMEM;
			break;
		}
		users = grown;
		memset(&users[user_count], 0, sizeof(*users));
		users[user_count].name = dup_str(name_start);
		if(!users[user_count].name){
			rc = MOSQ_ERR_NOMEM;
			break;
		}
		if(!user_derive(&users[user_count], pw_start)){
			mosquitto_free(users[user_count].name);
			mosquitto_log_printf(MOSQ_LOG_ERR, "scram: key derivation failed for '%s'", name_start);
			rc = MOSQ_ERR_INVAL;
			break;
		}
		user_count++;
	}
	free_secret(copy);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* The exchange                                                              */
/* ------------------------------------------------------------------------ */

/* client-first: gs2-header "n,," then client-first-bare "n=<user>,r=<cnonce>[,ext...]".
 * On success creates the exchange and fills the server-first message. */
static int handle_client_first(struct mosquitto_evt_extended_auth *ed)
{
	char *msg = auth_data_to_string(ed->data_in, ed->data_in_len);
	const char *bare, *name_start, *name_end, *nonce_start, *nonce_end;
	char *name = NULL;
	const struct scram_user *user;
	struct scram_exchange *ex = NULL;
	unsigned char snonce_raw[SCRAM_SNONCE_BYTES];
	char snonce[((SCRAM_SNONCE_BYTES + 2) / 3) * 4 + 1];
	size_t cnonce_len, nonce_len, sf_len;
	int rc = MOSQ_ERR_AUTH;

	if(!msg){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: missing or invalid client-first message",
				client_label(ed->client));
		return MOSQ_ERR_AUTH;
	}
	if(strncmp(msg, "n,,", 3) != 0){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: unsupported gs2 header (channel binding or authzid) in '%s'",
				client_label(ed->client), msg);
		goto out;
	}
	bare = msg + 3;
	if(strncmp(bare, "n=", 2) != 0) goto malformed;
	name_start = bare + 2;
	name_end = strchr(name_start, ',');
	if(!name_end || name_end == name_start) goto malformed;
	if(strncmp(name_end, ",r=", 3) != 0) goto malformed;
	nonce_start = name_end + 3;
	nonce_end = strchr(nonce_start, ',');
	if(!nonce_end) nonce_end = nonce_start + strlen(nonce_start);
	cnonce_len = (size_t)(nonce_end - nonce_start);
	if(!valid_nonce(nonce_start, cnonce_len)) goto malformed;
	if(*nonce_end == ','){
		/* Extensions: a mandatory one ("m=") cannot be honoured. */
		if(strncmp(nonce_end, ",m=", 3) == 0) goto malformed;
	}

	name = saslname_decode(name_start, (size_t)(name_end - name_start));
	if(!name) goto malformed;
	user = find_user(name);
	if(!user){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: unknown user '%s'",
				client_label(ed->client), name);
		goto out;
	}

	if(RAND_bytes(snonce_raw, sizeof(snonce_raw)) != 1){
		mosquitto_log_printf(MOSQ_LOG_ERR, "scram: RAND_bytes failed");
		rc = MOSQ_ERR_AUTH;
		goto out;
	}
	b64_encode(snonce_raw, sizeof(snonce_raw), snonce);

	ex = mosquitto_calloc(1, sizeof(*ex));
	if(!ex){
		rc = MOSQ_ERR_NOMEM;
		goto out;
	}
	ex->client = ed->client;
	ex->user = user;
	ex->client_first_bare = dup_str(bare);
	nonce_len = cnonce_len + strlen(snonce);
	ex->nonce = mosquitto_malloc(nonce_len + 1);
	sf_len = strlen("r=") + nonce_len + strlen(",s=") + strlen(user->salt_b64) + strlen(",i=") + 16;
	ex->server_first = mosquitto_malloc(sf_len);
	if(!ex->client_first_bare || !ex->nonce || !ex->server_first){
		rc = MOSQ_ERR_NOMEM;
		goto out;
	}
	memcpy(ex->nonce, nonce_start, cnonce_len);
	strcpy(ex->nonce + cnonce_len, snonce);
	snprintf(ex->server_first, sf_len, "r=%s,s=%s,i=%d", ex->nonce, user->salt_b64, SCRAM_ITERATIONS);

	ed->data_out = dup_str(ex->server_first);
	if(!ed->data_out){
		rc = MOSQ_ERR_NOMEM;
		goto out;
	}
	ed->data_out_len = (uint16_t)strlen(ex->server_first);

	/* A new start for this client (including re-authentication) replaces
	 * whatever was in progress. */
	exchange_drop(ed->client);
	ex->next = exchanges;
	exchanges = ex;
	ex = NULL;
	mosquitto_log_printf(MOSQ_LOG_DEBUG, "scram: client %s: user '%s', sent server-first",
			client_label(ed->client), name);
	rc = MOSQ_ERR_AUTH_CONTINUE;
	goto out;

malformed:
	mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: malformed client-first message '%s'",
			client_label(ed->client), msg);
	rc = MOSQ_ERR_AUTH;
out:
	exchange_free(ex);
	mosquitto_free(name);
	mosquitto_free(msg);
	return rc;
}

/* client-final: "c=biws,r=<nonce>[,ext...],p=<proof>". On success fills the
 * server-final message "v=<server signature>". */
static int handle_client_final(struct mosquitto_evt_extended_auth *ed, struct scram_exchange *ex)
{
	char *msg = auth_data_to_string(ed->data_in, ed->data_in_len);
	char *proof_attr, *nonce_start, *nonce_end, *auth_message = NULL;
	size_t without_proof_len, am_len, nonce_len;
	unsigned char proof[SCRAM_HASH_LEN], client_sig[SCRAM_HASH_LEN];
	unsigned char client_key[SCRAM_HASH_LEN], check[SCRAM_HASH_LEN];
	unsigned char server_sig[SCRAM_HASH_LEN];
	char server_final[2 + ((SCRAM_HASH_LEN + 2) / 3) * 4 + 1];
	size_t i;
	int rc = MOSQ_ERR_AUTH;

	if(!msg){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: missing or invalid client-final message",
				client_label(ed->client));
		return MOSQ_ERR_AUTH;
	}
	/* Channel binding: base64("n,,") */
	if(strncmp(msg, "c=biws,", 7) != 0){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: channel binding mismatch in client-final",
				client_label(ed->client));
		goto out;
	}
	if(strncmp(msg + 7, "r=", 2) != 0) goto malformed;
	nonce_start = msg + 9;
	nonce_end = strchr(nonce_start, ',');
	if(!nonce_end) goto malformed;
	nonce_len = (size_t)(nonce_end - nonce_start);
	if(nonce_len != strlen(ex->nonce) || memcmp(nonce_start, ex->nonce, nonce_len) != 0){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: nonce mismatch", client_label(ed->client));
		goto out;
	}
	/* The proof is the last attribute (base64 has no commas). */
	proof_attr = strrchr(msg, ',');
	if(proof_attr < nonce_end || strncmp(proof_attr, ",p=", 3) != 0) goto malformed;
	if(!b64_decode_exact(proof_attr + 3, proof, sizeof(proof))) goto malformed;
	without_proof_len = (size_t)(proof_attr - msg);

	/* AuthMessage = client-first-bare "," server-first "," client-final-without-proof */
	am_len = strlen(ex->client_first_bare) + 1 + strlen(ex->server_first) + 1 + without_proof_len;
	auth_message = mosquitto_malloc(am_len + 1);
	if(!auth_message){
		rc = MOSQ_ERR_NOMEM;
		goto out;
	}
	snprintf(auth_message, am_len + 1, "%s,%s,%.*s", ex->client_first_bare, ex->server_first,
			(int)without_proof_len, msg);

	if(!hmac_sha256(ex->user->stored_key, SCRAM_HASH_LEN, auth_message, am_len, client_sig)) goto out;
	for(i = 0; i < SCRAM_HASH_LEN; i++){
		client_key[i] = proof[i] ^ client_sig[i];
	}
	if(SHA256(client_key, sizeof(client_key), check) == NULL) goto out;
	if(CRYPTO_memcmp(check, ex->user->stored_key, SCRAM_HASH_LEN) != 0){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: invalid proof for user '%s'",
				client_label(ed->client), ex->user->name);
		goto out;
	}

	if(!hmac_sha256(ex->user->server_key, SCRAM_HASH_LEN, auth_message, am_len, server_sig)) goto out;
	memcpy(server_final, "v=", 2);
	b64_encode(server_sig, sizeof(server_sig), server_final + 2);
	ed->data_out = dup_str(server_final);
	if(!ed->data_out){
		rc = MOSQ_ERR_NOMEM;
		goto out;
	}
	ed->data_out_len = (uint16_t)strlen(server_final);

	/* Expose the authenticated identity to the rest of the broker (ACLs, logs). */
	if(mosquitto_set_username(ed->client, ex->user->name) != MOSQ_ERR_SUCCESS){
		mosquitto_log_printf(MOSQ_LOG_WARNING, "scram: client %s: could not set username '%s'",
				client_label(ed->client), ex->user->name);
	}
	mosquitto_log_printf(MOSQ_LOG_INFO, "scram: client %s authenticated as '%s'",
			client_label(ed->client), ex->user->name);
	rc = MOSQ_ERR_SUCCESS;
	goto out;

malformed:
	mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: malformed client-final message '%s'",
			client_label(ed->client), msg);
	rc = MOSQ_ERR_AUTH;
out:
	OPENSSL_cleanse(client_key, sizeof(client_key));
	mosquitto_free(auth_message);
	mosquitto_free(msg);
	return rc;
}

static int on_auth_start(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_extended_auth *ed = event_data;
	(void)event;
	(void)userdata;

	/* Whatever this client had in progress is void now. */
	exchange_drop(ed->client);
	if(ed->auth_method == NULL || strcmp(ed->auth_method, SCRAM_METHOD) != 0){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: unsupported authentication method '%s'",
				client_label(ed->client), ed->auth_method ? ed->auth_method : "");
		return MOSQ_ERR_NOT_SUPPORTED;
	}
	return handle_client_first(ed);
}

static int on_auth_continue(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_extended_auth *ed = event_data;
	struct scram_exchange *ex;
	int rc;
	(void)event;
	(void)userdata;

	/* mosquitto 2.0.11 leaves ed->auth_method NULL here; it has already
	 * checked that the AUTH method matches the one from CONNECT. */
	if(ed->auth_method != NULL && strcmp(ed->auth_method, SCRAM_METHOD) != 0){
		return MOSQ_ERR_NOT_SUPPORTED;
	}
	ex = exchange_take(ed->client);
	if(!ex){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "scram: client %s: AUTH continue without an exchange in progress",
				client_label(ed->client));
		return MOSQ_ERR_AUTH;
	}
	/* The exchange ends here, whichever way it goes. */
	rc = handle_client_final(ed, ex);
	exchange_free(ex);
	return rc;
}

static int on_disconnect(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_disconnect *ed = event_data;
	(void)event;
	(void)userdata;

	if(exchange_drop(ed->client)){
		mosquitto_log_printf(MOSQ_LOG_DEBUG, "scram: client %s left mid-exchange, state dropped",
				client_label(ed->client));
	}
	return MOSQ_ERR_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Plugin entry points                                                       */
/* ------------------------------------------------------------------------ */

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	int i;
	for(i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5) return 5;
	}
	return -1;
}

static char *deny_subscribe = NULL;

static int on_acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check *ed = event_data;
	(void)event;
	(void)userdata;
	if(ed->access == MOSQ_ACL_SUBSCRIBE && ed->topic
			&& strncmp(ed->topic, deny_subscribe, strlen(deny_subscribe)) == 0){
		return MOSQ_ERR_ACL_DENIED;
	}
	/* Not DEFER: with every plugin deferring, mosquitto denies. */
	return MOSQ_ERR_SUCCESS;
}

static void unregister_all(void)
{
	if(deny_subscribe){
		mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	}
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_EXT_AUTH_START, on_auth_start, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_EXT_AUTH_CONTINUE, on_auth_continue, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL);
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
		struct mosquitto_opt *options, int option_count)
{
	int i, rc;
	(void)userdata;

	plugin_id = identifier;
	for(i = 0; i < option_count; i++){
		if(options[i].key && strcmp(options[i].key, "deny_subscribe") == 0 && options[i].value){
			deny_subscribe = dup_str(options[i].value);
		}
		if(options[i].key && strcmp(options[i].key, "users") == 0 && options[i].value){
			rc = users_add_list(options[i].value);
			if(rc != MOSQ_ERR_SUCCESS){
				users_free();
				return rc;
			}
		}
	}
	if(user_count == 0){
		mosquitto_log_printf(MOSQ_LOG_WARNING,
				"scram: no users configured (plugin_opt_users name:password,...); every attempt will fail");
	}

	rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_EXT_AUTH_START, on_auth_start, NULL, NULL);
	if(rc == MOSQ_ERR_SUCCESS){
		rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_EXT_AUTH_CONTINUE, on_auth_continue, NULL, NULL);
	}
	if(rc == MOSQ_ERR_SUCCESS){
		rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_DISCONNECT, on_disconnect, NULL, NULL);
	}
	if(rc == MOSQ_ERR_SUCCESS && deny_subscribe){
		rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
	}
	if(rc != MOSQ_ERR_SUCCESS){
		mosquitto_log_printf(MOSQ_LOG_ERR, "scram: could not register callbacks (%d)", rc);
		unregister_all();
		users_free();
		return rc;
	}
	mosquitto_log_printf(MOSQ_LOG_INFO, "scram: %s ready, %zu user(s)", SCRAM_METHOD, user_count);
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options, int option_count)
{
	(void)userdata;
	(void)options;
	(void)option_count;

	unregister_all();
	while(exchanges){
		struct scram_exchange *ex = exchanges;
		exchanges = ex->next;
		exchange_free(ex);
	}
	users_free();
	return MOSQ_ERR_SUCCESS;
}
