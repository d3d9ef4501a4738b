import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';

/** A labelled drop-down filter, as a grid item. */
export function FilterSelect(props: {
  label: string;
  value: string;
  options: Array<[value: string, label: string]>;
  onChange: (value: string) => void;
}) {
  const id = `${props.label.toLowerCase().replace(/\W+/g, '-')}-label`;
  return (
    <Grid item>
      <FormControl style={{ minWidth: 150 }}>
        <InputLabel id={id}>{props.label}</InputLabel>
        <Select
          labelId={id}
          value={props.value}
          onChange={e => props.onChange(String(e.target.value))}
        >
          {props.options.map(([value, label]) => (
            <MenuItem key={value} value={value}>
              {label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
    </Grid>
  );
}
