// Patient list: filter rows as the administrator types (name, phone, card number).
(() => {
  const input = document.getElementById('patient-search');
  const table = document.getElementById('patient-list');
  if (!input || !table) return;
  const rows = Array.from(table.tBodies[0].rows);
  const norm = (s) => s.toLowerCase().replace(/ё/g, 'е').replace(/[\s()+-]/g, '');
  input.addEventListener('input', () => {
    const q = norm(input.value);
    for (const row of rows) row.hidden = q !== '' && !norm(row.textContent).includes(q);
  });
})();
