def test_create_and_win(api, deal):
    reply = api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"})
    assert reply.status == 200, reply.body
    assert reply.data["stage"] == "closed_won"
    stats = api.get("/sales/deals/stats/won")
    assert stats.data["count"] == 1, stats.body
