// The PostgreSQL write baseline of the issue: the same row a POST /tasks stores, inserted with plain `pg` at
// the service's pool size, one autocommitted (fsynced) INSERT per row, `lanes` concurrent callers, no HTTP.

import pg from 'pg'

export async function plainInsertsPerSecond(url: string, poolSize: number, lanes: number, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  pool.on('error', () => {}) // idle connections cut when the server stops at the end
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS baseline_tasks (
      user_id text NOT NULL, id bigserial, title text NOT NULL, description text NOT NULL, completed boolean NOT NULL,
      priority text NOT NULL, tags text[] NOT NULL, due_date text, created_at text NOT NULL, updated_at text NOT NULL,
      completed_at text, PRIMARY KEY (user_id, id))`)
    const until = Date.now() + seconds * 1000
    let rows = 0
    const lane = async (i: number) => {
      while (Date.now() < until) {
        const now = new Date().toISOString()
        await pool.query(
          'INSERT INTO baseline_tasks (user_id, title, description, completed, priority, tags, due_date, created_at, updated_at, completed_at) VALUES ($1, $2, $3, false, $4, $5, NULL, $6, $6, NULL)',
          [`user-${i}`, 'written by the benchmark', '', 'normal', ['bench'], now],
        )
        rows += 1
      }
    }
    const began = performance.now()
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)))
    return rows / ((performance.now() - began) / 1000)
  } finally {
    await pool.end()
  }
}
