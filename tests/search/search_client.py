"""Reading /search/ as JSON, for the search tests (database and Elasticsearch alike)."""

import json


def search_json(client, **params):
    response = client.get("/search/", {**params, "format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def slugs(client, **params):
    return [result["slug"] for result in search_json(client, **params)["results"]]
