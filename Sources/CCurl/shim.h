#ifndef SLUICE_CCURL_SHIM_H
#define SLUICE_CCURL_SHIM_H

#include <curl/curl.h>

/* curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are variadic and cannot be
 * called from Swift. These typed wrappers are one per argument type.
 * https://curl.se/libcurl/c/curl_easy_setopt.html */

static inline CURLcode sluice_curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sluice_curl_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sluice_curl_easy_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sluice_curl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode sluice_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*sluice_curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode sluice_curl_easy_setopt_write_function(CURL *h, CURLoption o, sluice_curl_write_callback f) {
    return curl_easy_setopt(h, o, f);
}

/* CURLOPT_HEADERFUNCTION has the same shape as CURLOPT_WRITEFUNCTION.
 * https://curl.se/libcurl/c/CURLOPT_HEADERFUNCTION.html */
typedef size_t (*sluice_curl_header_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
static inline CURLcode sluice_curl_easy_setopt_header_function(CURL *h, sluice_curl_header_callback f) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, f);
}

/* CURLINFO_PRIVATE hands back the pointer stored with CURLOPT_PRIVATE.
 * https://curl.se/libcurl/c/CURLINFO_PRIVATE.html */
static inline CURLcode sluice_curl_easy_getinfo_private(CURL *h, void **out) {
    return curl_easy_getinfo(h, CURLINFO_PRIVATE, out);
}

static inline CURLMcode sluice_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

static inline CURLcode sluice_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode sluice_curl_easy_getinfo_ptr(CURL *h, CURLINFO i, void **out) { return curl_easy_getinfo(h, i, out); }
static inline CURLcode sluice_curl_easy_getinfo_double(CURL *h, CURLINFO i, double *out) { return curl_easy_getinfo(h, i, out); }

/* CURLMsg.data is a union; read its result member. https://curl.se/libcurl/c/curl_multi_info_read.html */
static inline CURLcode sluice_curl_msg_result(CURLMsg *msg) { return msg->data.result; }

/* CURL_GLOBAL_ALL imports as Int32 while curl_global_init takes long. */
static inline CURLcode sluice_curl_global_init_all(void) { return curl_global_init(CURL_GLOBAL_ALL); }

#endif
